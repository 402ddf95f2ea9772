using System.Diagnostics.CodeAnalysis;
using System.Threading.Channels;
using Agent.Runtime.Ssh.Wire;

namespace Agent.Runtime.Ssh.Channels;

/// <summary>
/// One open channel (RFC 4254 section 5) with window accounting both ways. Incoming data is queued (the peer
/// cannot send more than the window we granted) and credited back with WINDOW_ADJUST as the consumer reads
/// it, so a slow consumer slows the peer down. The window starts at <see cref="SshChannelLimits.InitialWindow"/>
/// and doubles (up to <see cref="SshChannelLimits.MaxWindow"/>) only when the window, not the consumer, holds
/// the peer back: the peer used up nearly all its credit, the consumer then read everything queued and waits for
/// more, and it read <see cref="SshChannelLimits.GrowthEvidence"/> since the last growth. A consumer that stops
/// reading (a child that never reads stdin) keeps the window it has, so what is queued for it stays within that
/// window. Outgoing data waits for the peer's window and is split by its
/// maximum packet size. EOF and CLOSE are each sent once, CLOSE after EOF; the channel number is freed when
/// both sides have closed. Writes may come from many threads; reads from one consumer at a time.
/// Incoming data is not copied on its way in: the queue holds views into the transport's received payloads, which
/// the channel owns from <see cref="OnData"/> on and hands back (<see cref="SshChannelMultiplexer.Release"/>) once
/// the consumer read the last of one, either copied out (<see cref="ReadAsync"/>) or lent
/// (<see cref="ReadChunkAsync"/>, until the consumer's next read).
/// </summary>
[SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable", Justification = "Its token is handed out and may be observed after the channel ends; neither field holds a timer or wait handle.")]
public sealed class SshChannel
{
    private const uint ExtendedDataStderr = 1;

    private readonly SshChannelMultiplexer _connection;
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _sendGate = new(1, 1);
    private readonly Channel<(ReadOnlyMemory<byte> Data, ReadOnlyMemory<byte> Payload)> _incoming =
        Channel.CreateUnbounded<(ReadOnlyMemory<byte> Data, ReadOnlyMemory<byte> Payload)>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });

    private readonly CancellationTokenSource _closed = new();
    private ReadOnlyMemory<byte> _current;
    private ReadOnlyMemory<byte> _currentPayload;
    private int _lent;
    private long _remoteWindow;
    private uint _remoteMaxPacket;
    private long _localWindow;
    private long _unacknowledged;
    private long _windowTarget = SshChannelLimits.InitialWindow;
    private bool _peerExhausted;
    private long _consumedSinceGrowth;
    private TaskCompletionSource? _windowWaiter;
    private bool _eofSent;
    private bool _closeSent;
    private bool _remoteClosed;
    private bool _ended;

    internal SshChannel(SshChannelMultiplexer connection, string type, uint localId)
    {
        _connection = connection;
        Type = type;
        LocalId = localId;
        _localWindow = SshChannelLimits.InitialWindow;
    }

    public string Type { get; }

    /// <summary>Our channel number.</summary>
    public uint LocalId { get; }

    /// <summary>The peer's channel number.</summary>
    public uint RemoteId { get; private set; }

    /// <summary>The connection the channel belongs to (user, addresses, opening more channels).</summary>
    public SshChannelMultiplexer Connection => _connection;

    /// <summary>Cancelled when the peer closed the channel or the connection ended.</summary>
    public CancellationToken Closed => _closed.Token;

    /// <summary>Whether the peer sent EOF or closed (no more data will arrive).</summary>
    public bool RemoteEof => _incoming.Reader.Completion.IsCompleted;

    internal ISshChannelHandler? Handler { get; set; }

    /// <summary>Reads incoming data; 0 once the peer sent EOF or closed and everything queued was read.</summary>
    public async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        if (buffer.IsEmpty)
            return 0;
        await CreditLentAsync(cancellationToken);
        if (!await FillCurrentAsync(cancellationToken))
            return 0;
        var count = Math.Min(buffer.Length, _current.Length);
        _current[..count].CopyTo(buffer);
        _current = _current[count..];
        if (_current.IsEmpty)
            ReleaseCurrentPayload();
        await AcknowledgeAsync(count, cancellationToken);
        return count;
    }

    /// <summary>
    /// Reads the next piece of incoming data without copying it: a view that stays valid, and is credited to the
    /// peer's window, until the next read from this channel (so the peer's window waits for the consumer's own
    /// write). Empty once the peer sent EOF or closed and everything queued was read.
    /// </summary>
    public async ValueTask<ReadOnlyMemory<byte>> ReadChunkAsync(CancellationToken cancellationToken)
    {
        await CreditLentAsync(cancellationToken);
        if (!await FillCurrentAsync(cancellationToken))
            return ReadOnlyMemory<byte>.Empty;
        var chunk = _current;
        _current = ReadOnlyMemory<byte>.Empty;
        _lent = chunk.Length;
        return chunk;
    }

    /// <summary>Sends <paramref name="data"/> as CHANNEL_DATA, waiting for window as needed.</summary>
    public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
        => WriteCoreAsync(null, data, cancellationToken);

    /// <summary>Sends <paramref name="data"/> as CHANNEL_EXTENDED_DATA of type 1 (stderr).</summary>
    public ValueTask WriteExtendedAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
        => WriteCoreAsync(ExtendedDataStderr, data, cancellationToken);

    /// <summary>Sends a channel request that wants no reply (<c>exit-status</c>, <c>exit-signal</c>...).</summary>
    public async ValueTask SendRequestAsync(string type, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(type);
        var payload = new SshWriter(32 + data.Length).Write(MessageNumber.ChannelRequest).WriteUInt32(RemoteId)
            .WriteString(type).WriteBoolean(false).WriteRaw(data.Span).ToArray();
        if (!await SendIfOpenAsync(payload, SendKind.Other, cancellationToken))
            throw new IOException($"channel {LocalId} is closed");
    }

    /// <summary>Sends EOF (once): no more data from our side.</summary>
    public async ValueTask SendEofAsync(CancellationToken cancellationToken)
    {
        var payload = new SshWriter(8).Write(MessageNumber.ChannelEof).WriteUInt32(RemoteId).ToArray();
        await SendIfOpenAsync(payload, SendKind.Eof, cancellationToken);
    }

    /// <summary>Sends EOF if not sent yet, then CLOSE (once). The channel is freed when the peer's CLOSE arrives.</summary>
    public async ValueTask CloseAsync(CancellationToken cancellationToken)
    {
        await SendEofAsync(cancellationToken);
        await _sendGate.WaitAsync(cancellationToken);
        try
        {
            lock (_gate)
            {
                if (_closeSent || _remoteClosed)
                    return;
                _closeSent = true;
            }

            WakeWriters();
            await _connection.SendAsync(new SshWriter(8).Write(MessageNumber.ChannelClose).WriteUInt32(RemoteId).ToArray(), cancellationToken);
        }
        finally
        {
            _sendGate.Release();
        }
    }

    /// <summary>A stream over the channel: reads are incoming data, writes are outgoing data (for subsystems).</summary>
    public Stream AsStream() => new SshChannelStream(this);

    internal void Confirm(uint remoteId, uint remoteWindow, uint remoteMaxPacket)
    {
        RemoteId = remoteId;
        _remoteWindow = remoteWindow;
        _remoteMaxPacket = Math.Max(1, remoteMaxPacket);
    }

    // From the reading loop: data (a view into the received payload) within our window, queued for the consumer,
    // which then owns the payload; false when it was discarded (then the caller still owns the payload and credits
    // the data back with AcknowledgeDiscardedAsync).
    internal bool OnData(ReadOnlyMemory<byte> data, ReadOnlyMemory<byte> payload, bool extended)
    {
        lock (_gate)
        {
            if (data.Length > _localWindow)
                throw new SshProtocolException($"channel {LocalId}: the peer sent {data.Length} bytes with {_localWindow} bytes of window left");
            if (data.Length > SshChannelMultiplexer.LocalMaxPacket)
                throw new SshProtocolException($"channel {LocalId}: a data packet of {data.Length} bytes exceeds the maximum of {SshChannelMultiplexer.LocalMaxPacket}");
            _localWindow -= data.Length;
            if (_localWindow < _windowTarget / 4)
                _peerExhausted = true;
            if (_closeSent || _remoteClosed || extended || _incoming.Reader.Completion.IsCompleted)
            {
                // Nobody will read it (extended data from a client has no meaning for us): credit it right away.
                _unacknowledged += data.Length;
                return false;
            }
        }

        return _incoming.Writer.TryWrite((data, payload));
    }

    internal ValueTask AcknowledgeDiscardedAsync(CancellationToken cancellationToken) => AcknowledgeAsync(0, cancellationToken);

    internal void OnWindowAdjust(uint bytes)
    {
        lock (_gate)
            _remoteWindow = Math.Min(_remoteWindow + bytes, uint.MaxValue);
        WakeWriters();
    }

    internal void OnRemoteEof() => _incoming.Writer.TryComplete();

    // The peer closed: answer with CLOSE unless sent already, then end the channel.
    internal async ValueTask OnRemoteCloseAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_remoteClosed)
                throw new SshProtocolException($"channel {LocalId} closed twice");
            _remoteClosed = true;
        }

        _incoming.Writer.TryComplete();
        End();
        await _sendGate.WaitAsync(cancellationToken);
        try
        {
            lock (_gate)
            {
                if (_closeSent)
                    return;
                _closeSent = true;
            }

            await _connection.SendAsync(new SshWriter(8).Write(MessageNumber.ChannelClose).WriteUInt32(RemoteId).ToArray(), cancellationToken);
        }
        finally
        {
            _sendGate.Release();
            _connection.Free(this);
        }
    }

    // The connection ended or the peer closed: stop writers and readers, tell the handler (once).
    internal void End()
    {
        lock (_gate)
        {
            if (_ended)
                return;
            _ended = true;
        }

        _incoming.Writer.TryComplete();
        WakeWriters();
        try
        {
            _closed.Cancel();
        }
        finally
        {
            Handler?.OnClosed();
        }
    }

    // The chunk lent by ReadChunkAsync is done with: its payload goes back and its bytes are credited.
    private ValueTask CreditLentAsync(CancellationToken cancellationToken)
    {
        if (_lent == 0)
            return ValueTask.CompletedTask;
        var lent = _lent;
        _lent = 0;
        ReleaseCurrentPayload();
        return AcknowledgeAsync(lent, cancellationToken);
    }

    // Makes _current the next unread data, waiting for it; false at the end of the incoming data.
    private async ValueTask<bool> FillCurrentAsync(CancellationToken cancellationToken)
    {
        while (_current.IsEmpty)
        {
            if (_incoming.Reader.TryRead(out var next))
            {
                ReleaseCurrentPayload();
                (_current, _currentPayload) = next;
                continue;
            }

            ReleaseCurrentPayload();
            await GrowWhenStarvedAsync(cancellationToken);
            if (!await _incoming.Reader.WaitToReadAsync(cancellationToken))
                return false;
        }

        return true;
    }

    private void ReleaseCurrentPayload()
    {
        if (_currentPayload.IsEmpty)
            return;
        _connection.Release(_currentPayload);
        _currentPayload = ReadOnlyMemory<byte>.Empty;
    }

    private async ValueTask WriteCoreAsync(uint? dataType, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        while (!data.IsEmpty)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var count = await ReserveWindowAsync(data.Length, cancellationToken);
            var chunk = data[..count];
            var writer = new SshWriter(count + 16).Write(dataType is null ? MessageNumber.ChannelData : MessageNumber.ChannelExtendedData).WriteUInt32(RemoteId);
            if (dataType is { } code)
                writer.WriteUInt32(code);
            writer.WriteBinary(chunk.Span);
            if (!await SendIfOpenAsync(writer.Written, SendKind.Data, cancellationToken))
                throw new IOException($"channel {LocalId} is closed");
            _connection.CountSent(count);
            data = data[count..];
        }
    }

    // Takes up to `wanted` bytes of the peer's window (at least 1), waiting while it is empty.
    private async ValueTask<int> ReserveWindowAsync(int wanted, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task wait;
            lock (_gate)
            {
                if (_eofSent || _closeSent || _remoteClosed || _ended)
                    throw new IOException($"channel {LocalId} is closed for writing");
                if (_remoteWindow > 0)
                {
                    var count = (int)Math.Min(Math.Min(wanted, _remoteWindow), Math.Min(_remoteMaxPacket, SshChannelMultiplexer.MaxOutgoingChunk));
                    _remoteWindow -= count;
                    return count;
                }

                _windowWaiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                wait = _windowWaiter.Task;
            }

            await wait.WaitAsync(cancellationToken);
        }
    }

    private void WakeWriters()
    {
        TaskCompletionSource? waiter;
        lock (_gate)
        {
            waiter = _windowWaiter;
            _windowWaiter = null;
        }

        waiter?.TrySetResult();
    }

    // Credits consumed bytes back to the peer once half the window is used up.
    private async ValueTask AcknowledgeAsync(int consumed, CancellationToken cancellationToken)
    {
        uint adjust;
        lock (_gate)
        {
            _unacknowledged += consumed;
            _consumedSinceGrowth += consumed;
            if (_unacknowledged < _windowTarget / 2 || _closeSent || _remoteClosed)
                return;
            adjust = (uint)_unacknowledged;
            _unacknowledged = 0;
            _localWindow += adjust;
        }

        var payload = new SshWriter(12).Write(MessageNumber.ChannelWindowAdjust).WriteUInt32(RemoteId).WriteUInt32(adjust).ToArray();
        await SendIfOpenAsync(payload, SendKind.Other, cancellationToken);
    }

    // The consumer read everything queued and is about to wait. If the peer had used up nearly all of its credit,
    // the window is what holds it back: double the window and grant the growth (with what was read) at once.
    private async ValueTask GrowWhenStarvedAsync(CancellationToken cancellationToken)
    {
        uint adjust;
        long window;
        lock (_gate)
        {
            if (!_peerExhausted || _consumedSinceGrowth < SshChannelLimits.GrowthEvidence || _windowTarget >= SshChannelLimits.MaxWindow || _closeSent || _remoteClosed)
                return;
            _peerExhausted = false;
            _consumedSinceGrowth = 0;
            var growth = Math.Min(_windowTarget, SshChannelLimits.MaxWindow - _windowTarget);
            _windowTarget += growth;
            window = _windowTarget;
            adjust = (uint)(_unacknowledged + growth);
            _unacknowledged = 0;
            _localWindow += adjust;
        }

        _connection.LogWindowGrown(LocalId, window);
        var payload = new SshWriter(12).Write(MessageNumber.ChannelWindowAdjust).WriteUInt32(RemoteId).WriteUInt32(adjust).ToArray();
        await SendIfOpenAsync(payload, SendKind.Other, cancellationToken);
    }

    // Sends under the channel's send gate unless CLOSE was sent (nothing may follow it) or, for data, EOF.
    private async ValueTask<bool> SendIfOpenAsync(ReadOnlyMemory<byte> payload, SendKind kind, CancellationToken cancellationToken)
    {
        await _sendGate.WaitAsync(cancellationToken);
        try
        {
            lock (_gate)
            {
                if (_closeSent || _remoteClosed || (kind != SendKind.Other && _eofSent))
                    return false;
                if (kind == SendKind.Eof)
                    _eofSent = true;
            }

            await _connection.SendAsync(payload, cancellationToken);
            return true;
        }
        finally
        {
            _sendGate.Release();
        }
    }
}
