using System.Buffers;
using System.Reactive.Disposables;
using System.Runtime.CompilerServices;
using Agent.Runtime.Relay.Splice;

namespace Agent.Runtime.Relay.Yamux;

/// <summary>
/// One yamux stream: reads take the peer's data frames (in order), writes send data frames within the peer's
/// window. One reader and one writer at a time, both asynchronous. Received data waits in a
/// <see cref="YamuxReceiveBuffer"/>, credited back to the peer through a <see cref="YamuxReceiveWindow"/>.
/// </summary>
public sealed class YamuxStream : AsyncDuplexStream, IHalfClosableStream
{
    private readonly YamuxSession _session;
    private readonly YamuxOptions _options;
    private readonly Lock _gate = new();
    private readonly YamuxReceiveBuffer _received = new();
    private readonly YamuxReceiveWindow _receiveWindow;
    private readonly YamuxSignal _readSignal;
    private readonly YamuxSignal _writeSignal;
    private readonly YamuxSignal _sentSignal;
    private readonly byte[] _inlineHeader = new byte[YamuxFrameHeader.Size];
    private Memory<byte> _readDestination;
    private bool _directClaimed;
    private int _directCount;
    private long _sendWindow = YamuxOptions.SpecInitialWindow;
    private bool _remoteFin;
    private bool _localFin;
    private bool _disposed;
    private string? _failure;
    private IDisposable? _closeTimer;

    internal YamuxStream(YamuxSession session, uint id, YamuxOptions options)
    {
        _session = session;
        _options = options;
        Id = id;
        _readSignal = new YamuxSignal(_gate);
        _writeSignal = new YamuxSignal(_gate);
        _sentSignal = new YamuxSignal(_gate);
        _receiveWindow = new YamuxReceiveWindow(session, options);
    }

    /// <summary>The stream id (odd when the client opened it, even when the server did).</summary>
    public uint Id { get; }

    /// <summary>Bytes received and not yet read.</summary>
    internal int BufferedBytes
    {
        get
        {
            lock (_gate)
                return _received.Count;
        }
    }

    /// <summary>The receive window this stream currently grants (grows up to MaxWindow).</summary>
    internal int WindowTarget
    {
        get
        {
            lock (_gate)
                return _receiveWindow.Target;
        }
    }

    /// <summary>Bytes the peer still lets us send.</summary>
    internal long SendWindow
    {
        get
        {
            lock (_gate)
                return _sendWindow;
        }
    }

    /// <summary>Half-close: sends FIN; the peer reads 0 after our data, we can still read.</summary>
    public Task CompleteWritesAsync()
    {
        bool bothClosed;
        lock (_gate)
        {
            if (_failure is not null)
                throw new IOException(_failure);
            if (_localFin)
                return Task.CompletedTask;
            _localFin = true;
            bothClosed = _remoteFin;
            _session.SendControl(YamuxFrameType.WindowUpdate, YamuxFlags.Fin, Id, 0);
        }

        if (bothClosed)
            _session.Remove(this);
        return Task.CompletedTask;
    }

    /// <summary>RST: pending and future reads and writes on both sides fail with "stream reset".</summary>
    public void Reset()
    {
        if (!Fail("stream reset"))
            return;
        _session.SendControl(YamuxFrameType.WindowUpdate, YamuxFlags.Rst, Id, 0);
        _session.Remove(this);
    }

    /// <summary>Resets the stream (<see cref="Reset"/>): a yamux RST carries no reason, the peer reads "stream reset by peer".</summary>
    public Task FailAsync(string reason)
    {
        Reset();
        return Task.CompletedTask;
    }

    /// <summary>Reads buffered data; 0 after the peer's FIN; IOException when reset or the session died.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty)
            return 0;
        while (true)
        {
            ValueTask wait;
            lock (_gate)
            {
                if (_failure is not null)
                    throw new IOException(_failure);
                ObjectDisposedException.ThrowIf(_disposed, this);
                if (_received.Count > 0)
                    return TakeBuffered(buffer.Span);
                if (_remoteFin)
                    return 0;

                // While we wait, the reader loop may put a whole data frame straight into this buffer (no copy).
                _readDestination = buffer;
                wait = _readSignal.Arm(cancellationToken);
            }

            try
            {
                await wait;
            }
            finally
            {
                lock (_gate)
                    _readDestination = default;
            }

            lock (_gate)
            {
                if (_directCount > 0)
                {
                    var count = _directCount;
                    _directCount = 0;
                    return count;
                }
            }
        }
    }

    /// <summary>Sends data frames, waiting for window credit from the peer (flow control).</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (!buffer.IsEmpty)
        {
            int count;
            ValueTask wait = default;
            lock (_gate)
            {
                if (_failure is not null)
                    throw new IOException(_failure);
                ObjectDisposedException.ThrowIf(_disposed, this);
                if (_localFin)
                    throw new InvalidOperationException("writes on this stream were completed");
                count = (int)Math.Min(Math.Min(_sendWindow, _options.MaxFramePayload), buffer.Length);
                if (count > 0)
                    _sendWindow -= count;
                else
                    wait = _writeSignal.Arm(cancellationToken);
            }

            if (count == 0)
            {
                await wait;
                continue;
            }

            try
            {
                if (count >= YamuxOutbox.ZeroCopyThreshold && _session.Outbox.TryBeginInline())
                {
                    try
                    {
                        await _session.WriteInlineAsync(_inlineHeader, Id, buffer[..count]);
                    }
                    finally
                    {
                        _session.Outbox.EndInline();
                    }
                }
                else
                {
                    await _session.Outbox.AppendDataAsync(Id, buffer[..count], _sentSignal, cancellationToken);
                }
            }
            catch (OperationCanceledException)
            {
                lock (_gate)
                    _sendWindow += count;
                throw;
            }

            _options.DataSent?.Invoke(count);
            buffer = buffer[count..];
        }
    }

    /// <summary>Reader loop: false when a data frame of <paramref name="length"/> bytes would exceed the window we granted.</summary>
    internal bool TryReserveReceive(uint length)
    {
        lock (_gate)
            return _receiveWindow.TryReserve(length);
    }

    /// <summary>
    /// Reader loop: when a read is waiting and nothing is buffered, claims the reader's buffer so (the start of) the
    /// payload is read straight into it; finish with <see cref="CompleteDirect"/>, then deliver any rest.
    /// </summary>
    internal bool TryClaimReader(int length, out Memory<byte> destination)
    {
        lock (_gate)
        {
            if (_failure is null && !_disposed && _received.Count == 0 && !_readDestination.IsEmpty && _readSignal.Disarm())
            {
                _directClaimed = true;
                destination = _readDestination[..Math.Min(length, _readDestination.Length)];
                return true;
            }
        }

        destination = default;
        return false;
    }

    /// <summary>Reader loop: the claimed read got <paramref name="count"/> bytes.</summary>
    internal void CompleteDirect(int count)
    {
        lock (_gate)
        {
            if (!_directClaimed)
                return;
            _directClaimed = false;
            _directCount = count;
            Acknowledge(count);
        }

        _readSignal.Release();
    }

    /// <summary>Reader loop: a data payload (a pooled array this stream now owns).</summary>
    internal void Deliver(byte[] array, int count)
    {
        bool wake = false;
        lock (_gate)
        {
            if (_failure is not null)
            {
                ArrayPool<byte>.Shared.Return(array);
                return;
            }

            if (_disposed)
            {
                // Nobody reads any more: drop the data but credit it, so the peer can finish and send its FIN.
                ArrayPool<byte>.Shared.Return(array);
                Acknowledge(count);
                return;
            }

            _received.Add(array, count);
            wake = _readSignal.Disarm();
        }

        if (wake)
            _readSignal.Release();
    }

    /// <summary>Reader loop: the peer granted more window; false when it overflows 32 bits (protocol error).</summary>
    internal bool OnWindowUpdate(uint delta)
    {
        bool wake;
        lock (_gate)
        {
            _sendWindow += delta;
            if (_sendWindow > uint.MaxValue)
                return false;
            wake = delta > 0 && _writeSignal.Disarm();
        }

        if (wake)
            _writeSignal.Release();
        return true;
    }

    /// <summary>Reader loop: the peer's FIN.</summary>
    internal void OnRemoteFin()
    {
        bool wake;
        bool bothClosed;
        lock (_gate)
        {
            if (_remoteFin || _failure is not null)
                return;
            _remoteFin = true;
            bothClosed = _localFin;
            wake = _readSignal.Disarm();
            if (bothClosed)
            {
                _closeTimer?.Dispose();
                _closeTimer = null;
            }
        }

        if (wake)
            _readSignal.Release();
        if (bothClosed)
            _session.Remove(this);
    }

    /// <summary>Fails pending and future reads and writes with <paramref name="reason"/>; false when already failed.</summary>
    internal bool Fail(string reason)
    {
        bool wakeReader;
        bool wakeWriter;
        lock (_gate)
        {
            if (_failure is not null)
                return false;
            _failure = reason;
            _received.Clear();
            _closeTimer?.Dispose();
            _closeTimer = null;
            wakeReader = _readSignal.Disarm() || _directClaimed;
            _directClaimed = false;
            _directCount = 0;
            wakeWriter = _writeSignal.Disarm();
        }

        if (wakeReader)
            _readSignal.Release();
        if (wakeWriter)
            _writeSignal.Release();
        return true;
    }

    protected override void Dispose(bool disposing)
    {
        if (!disposing)
        {
            base.Dispose(disposing);
            return;
        }

        bool remove;
        bool wakeReader;
        bool wakeWriter;
        lock (_gate)
        {
            if (_disposed)
                return;
            _disposed = true;

            // A read or a window wait pending on another thread ends with ObjectDisposedException.
            wakeReader = _readSignal.Disarm();
            wakeWriter = _writeSignal.Disarm();
            remove = _failure is null && CloseLocked();
        }

        if (wakeReader)
            _readSignal.Release();
        if (wakeWriter)
            _writeSignal.Release();
        if (remove)
            _session.Remove(this);
        base.Dispose(disposing);
    }

    /// <summary>Dispose under the lock: FIN if not yet, drop (and credit) unread data; true when the peer finished too.</summary>
    private bool CloseLocked()
    {
        if (!_localFin)
        {
            _localFin = true;
            _session.SendControl(YamuxFrameType.WindowUpdate, YamuxFlags.Fin, Id, 0);
        }

        // Unread data is dropped and credited so a peer still writing can finish.
        var dropped = _received.Clear();
        if (dropped > 0)
            Acknowledge(dropped);
        if (!_remoteFin)
        {
            _closeTimer = _options.Scheduler.Schedule(this, _options.StreamCloseTimeout, static (_, stream) =>
            {
                stream.CloseTimedOut();
                return Disposable.Empty;
            });
        }

        return _remoteFin;
    }

    private void CloseTimedOut()
    {
        lock (_gate)
        {
            if (_closeTimer is null)
                return;
            _closeTimer = null;
        }

        Reset();
    }

    private int TakeBuffered(Span<byte> destination)
    {
        var copied = _received.Take(destination);
        Acknowledge(copied);
        return copied;
    }

    /// <summary>Credits consumed bytes back to the peer (under the lock); see <see cref="YamuxReceiveWindow.Acknowledge"/>.</summary>
    private void Acknowledge(int count)
    {
        var delta = _receiveWindow.Acknowledge(count, finished: _remoteFin || _failure is not null);
        if (delta > 0)
            _session.SendControl(YamuxFrameType.WindowUpdate, YamuxFlags.None, Id, (uint)delta);
    }
}
