using System.Buffers;

namespace Agent.Runtime.Relay.Yamux;

/// <summary>
/// The frames waiting for the writer loop, in two pooled buffers: producers copy frames into the fill buffer
/// while the writer loop writes the other one to the transport in one call (coalescing). Data frames wait while
/// the fill buffer is full (bounded); control frames use a reserve beyond it, and overflowing the reserve (a peer
/// that stops reading while sending us pings and updates) is reported so the session ends.
/// </summary>
internal sealed class YamuxOutbox
{
    private const int ControlReserve = 64 * 1024;
    private readonly Lock _gate = new();
    private readonly int _dataCapacity;
    private readonly YamuxSignal _writerSignal;
    private byte[]? _fill;
    private byte[]? _spare;
    private int _fillLength;
    private TaskCompletionSource? _spaceAvailable;
    private string? _closedReason;
    private bool _draining;

    public YamuxOutbox(int maxFramePayload)
    {
        _dataCapacity = Math.Max(1024 * 1024, 2 * (maxFramePayload + YamuxFrameHeader.Size));
        _fill = ArrayPool<byte>.Shared.Rent(_dataCapacity + ControlReserve);
        _spare = ArrayPool<byte>.Shared.Rent(_dataCapacity + ControlReserve);
        _writerSignal = new YamuxSignal(_gate);
    }

    /// <summary>Queues a data frame (copied), waiting while the queue is full; throws once the session ended.</summary>
    public ValueTask AppendDataAsync(uint streamId, YamuxFlags flags, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
        => TryAppendData(streamId, flags, payload.Span, out var wait) ? ValueTask.CompletedTask : AppendDataSlowAsync(streamId, flags, payload, wait, cancellationToken);

    /// <summary>Queues a header-only frame; false when the control reserve overflowed (the session must end). Ignored after the end.</summary>
    public bool TryAppendControl(YamuxFrameType type, YamuxFlags flags, uint streamId, uint length)
    {
        bool wake;
        lock (_gate)
        {
            if (_closedReason is not null || _fill is null)
                return true;
            if (_fillLength + YamuxFrameHeader.Size > _fill.Length)
                return false;
            YamuxFrameHeader.Write(_fill.AsSpan(_fillLength), type, flags, streamId, length);
            _fillLength += YamuxFrameHeader.Size;
            wake = _writerSignal.Disarm();
        }

        if (wake)
            _writerSignal.Release();
        return true;
    }

    /// <summary>
    /// The writer loop: the next batch to write (the buffer and its length), or null once closed (after the
    /// queued frames when draining). The batch buffer goes back with <see cref="ReturnBatch"/>.
    /// </summary>
    public async ValueTask<(byte[] Buffer, int Length)?> TakeBatchAsync()
    {
        while (true)
        {
            ValueTask wait = default;
            TaskCompletionSource? space = null;
            (byte[] Buffer, int Length)? batch = null;
            lock (_gate)
            {
                if (_fill is null || (_closedReason is not null && (!_draining || _fillLength == 0)))
                    return null;
                if (_fillLength == 0 || _spare is null)
                {
                    wait = _writerSignal.Arm(CancellationToken.None);
                }
                else
                {
                    batch = (_fill, _fillLength);
                    _fill = _spare;
                    _spare = null;
                    _fillLength = 0;
                    space = _spaceAvailable;
                    _spaceAvailable = null;
                }
            }

            if (batch is not null)
            {
                space?.TrySetResult();
                return batch;
            }

            await wait;
        }
    }

    public void ReturnBatch(byte[] buffer)
    {
        bool wake;
        lock (_gate)
        {
            if (_fill is null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
                return;
            }

            _spare = buffer;
            wake = _fillLength > 0 && _writerSignal.Disarm();
        }

        if (wake)
            _writerSignal.Release();
    }

    /// <summary>No more frames are accepted; with <paramref name="drain"/> the writer loop still writes what is queued.</summary>
    public void Close(string reason, bool drain)
    {
        bool wake;
        TaskCompletionSource? space;
        lock (_gate)
        {
            if (_closedReason is not null)
                return;
            _closedReason = reason;
            _draining = drain;
            wake = _writerSignal.Disarm();
            space = _spaceAvailable;
            _spaceAvailable = null;
        }

        if (wake)
            _writerSignal.Release();
        space?.TrySetResult();
    }

    /// <summary>Returns the pooled buffers (after the writer loop ended).</summary>
    public void Release()
    {
        lock (_gate)
        {
            _closedReason ??= "session ended";
            if (_fill is not null)
                ArrayPool<byte>.Shared.Return(_fill);
            if (_spare is not null)
                ArrayPool<byte>.Shared.Return(_spare);
            _fill = null;
            _spare = null;
            _fillLength = 0;
        }
    }

    private bool TryAppendData(uint streamId, YamuxFlags flags, ReadOnlySpan<byte> payload, out Task? wait)
    {
        bool wake;
        lock (_gate)
        {
            if (_closedReason is not null || _fill is null)
                throw new YamuxSessionClosedException(_closedReason ?? "session ended");
            if (_fillLength + YamuxFrameHeader.Size + payload.Length > _dataCapacity)
            {
                _spaceAvailable ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                wait = _spaceAvailable.Task;
                return false;
            }

            YamuxFrameHeader.Write(_fill.AsSpan(_fillLength), YamuxFrameType.Data, flags, streamId, (uint)payload.Length);
            payload.CopyTo(_fill.AsSpan(_fillLength + YamuxFrameHeader.Size));
            _fillLength += YamuxFrameHeader.Size + payload.Length;
            wake = _writerSignal.Disarm();
        }

        if (wake)
            _writerSignal.Release();
        wait = null;
        return true;
    }

    private async ValueTask AppendDataSlowAsync(uint streamId, YamuxFlags flags, ReadOnlyMemory<byte> payload, Task? wait, CancellationToken cancellationToken)
    {
        while (wait is not null)
        {
            await wait.WaitAsync(cancellationToken);
            TryAppendData(streamId, flags, payload.Span, out wait);
        }
    }
}
