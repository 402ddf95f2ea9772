using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Relay.Yamux;

/// <summary>
/// A yamux session (hashicorp/yamux spec) over one duplex transport: a <see cref="YamuxReadLoop"/> dispatching
/// frames, a <see cref="YamuxWriteLoop"/> writing coalesced frames from the <see cref="YamuxOutbox"/>, the streams in a
/// <see cref="YamuxStreamTable"/>, keepalive pings and round trips in <see cref="YamuxPings"/>. The client opens odd
/// stream ids, the server even ones. Any protocol violation by the peer ends this session (go-away protocol error,
/// logged reason); nothing throws out of the loops.
/// </summary>
public sealed class YamuxSession : IAsyncDisposable
{
    private readonly Stream _transport;
    private readonly YamuxOptions _options;
    private readonly ILogger _logger;
    private readonly YamuxStreamTable _streams;
    private readonly YamuxPings _pings;
    private readonly YamuxWriteLoop _writer;
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _shutdown = new();
    private readonly Task _writerLoop;

    private YamuxSession(Stream transport, YamuxOptions options, ILogger logger, bool isClient)
    {
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        options.Validate();
        _transport = transport;
        _options = options;
        _logger = logger;
        Outbox = new YamuxOutbox(options.MaxFramePayload);
        _streams = new YamuxStreamTable(this, options, logger, isClient);
        _pings = new YamuxPings(this, options);
        _writer = new YamuxWriteLoop(this, transport, Outbox, options, _shutdown.Token);
        var reader = new YamuxReadLoop(this, transport, _streams, _pings, options, _shutdown.Token);
        _writerLoop = Task.Run(_writer.RunAsync);
        _ = Task.Run(reader.RunAsync);
    }

    /// <summary>Completes when the session ended: RanToCompletion after go-away or dispose, Faulted with the reason otherwise.</summary>
    public Task Completion => _completion.Task;

    /// <summary>Streams open in this session (including inbound ones not accepted yet).</summary>
    public int OpenStreams => _streams.Count;

    /// <summary>The smoothed ping round trip (zero before the first answer).</summary>
    internal TimeSpan RoundTrip => _pings.RoundTrip;

    internal YamuxOutbox Outbox { get; }

    /// <summary>Pings sent and not answered yet (keepalive and measurement ones included).</summary>
    internal int PendingPings => _pings.Pending;

    /// <summary>The client side of a session: opens odd stream ids. Starts its loops.</summary>
    public static YamuxSession Client(Stream transport, YamuxOptions options, ILogger logger) => new(transport, options, logger, isClient: true);

    /// <summary>The server side of a session: opens even stream ids. Starts its loops.</summary>
    public static YamuxSession Server(Stream transport, YamuxOptions options, ILogger logger) => new(transport, options, logger, isClient: false);

    /// <summary>Opens a stream: sends its SYN and returns at once (data may follow the SYN before the peer's ACK).</summary>
    public Task<YamuxStream> OpenStreamAsync(CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        return Task.FromResult(_streams.Open());
    }

    /// <summary>The next stream the peer opened; throws <see cref="YamuxSessionClosedException"/> once the session ended.</summary>
    public Task<YamuxStream> AcceptStreamAsync(CancellationToken ct) => _streams.AcceptAsync(ct);

    /// <summary>Sends a ping and returns the round trip when its echo arrives.</summary>
    public Task<TimeSpan> PingAsync(CancellationToken ct) => _pings.PingAsync(ct);

    /// <summary>Go-away: no new streams in either direction; the existing ones finish, then the session ends.</summary>
    public Task GoAwayAsync(YamuxGoAwayCode code = YamuxGoAwayCode.Normal)
    {
        if (code != YamuxGoAwayCode.Normal)
        {
            Terminate($"local go-away ({code})", code, faulted: true);
            return Task.CompletedTask;
        }

        if (!_streams.TryGoAway(local: true, out var empty))
            return Task.CompletedTask;
        _logger.GoAwaySent(OpenStreams);
        if (empty)
            Terminate("go-away: no streams left", null, faulted: false);
        return Task.CompletedTask;
    }

    /// <summary>Resets all streams, says go-away and closes the transport.</summary>
    public async ValueTask DisposeAsync()
    {
        Terminate("session disposed", YamuxGoAwayCode.Normal, faulted: false);
        try
        {
            await _completion.Task;
        }
        catch (YamuxSessionClosedException)
        {
            // Ended earlier with a fault; disposing afterwards is not an error.
        }

        _shutdown.Dispose();
    }

    /// <summary>Queues a header-only frame; an overflowing control queue (peer not reading) ends the session.</summary>
    internal void SendControl(YamuxFrameType type, YamuxFlags flags, uint streamId, uint length)
    {
        if (!Outbox.TryAppendControl(type, flags, streamId, length))
            ThreadPool.UnsafeQueueUserWorkItem(static session => session.Terminate("send queue overflow: the peer does not read", YamuxGoAwayCode.InternalError, faulted: true), this, preferLocal: false);
    }

    /// <summary>Writes one data frame straight to the transport (see <see cref="YamuxWriteLoop.WriteInlineAsync"/>).</summary>
    internal ValueTask WriteInlineAsync(byte[] header, uint streamId, ReadOnlyMemory<byte> payload) => _writer.WriteInlineAsync(header, streamId, payload);

    /// <summary>Takes up to <paramref name="wanted"/> bytes of the session's window growth budget; returns what was granted.</summary>
    internal int ReserveWindowGrowth(int wanted) => _streams.ReserveWindowGrowth(wanted);

    /// <summary>Forgets a stream that is closed both ways or reset; ends a going-away session with its last stream.</summary>
    internal void Remove(YamuxStream stream)
    {
        if (_streams.Remove(stream))
            Terminate("go-away: all streams finished", null, faulted: false);
    }

    /// <summary>The peer's go-away: a normal one lets the existing streams finish, an error code ends the session.</summary>
    internal void OnGoAway(YamuxGoAwayCode code)
    {
        if (code != YamuxGoAwayCode.Normal)
        {
            Terminate($"the peer sent go-away ({(code is YamuxGoAwayCode.ProtocolError or YamuxGoAwayCode.InternalError ? code.ToString() : ((int)code).ToString(System.Globalization.CultureInfo.InvariantCulture))})", null, faulted: true);
            return;
        }

        _streams.TryGoAway(local: false, out var empty);
        _logger.PeerWentAway();
        if (empty)
            Terminate("go-away: no streams left", null, faulted: false);
    }

    /// <summary>Ends the session once: fails streams, accepts and pings with the reason, optionally says go-away, closes the transport.</summary>
    internal void Terminate(string reason, YamuxGoAwayCode? goAway, bool faulted, Exception? cause = null)
    {
        if (_streams.Close(reason) is not { } streams)
            return;
        if (faulted)
            _logger.SessionFailed(reason);
        else
            _logger.SessionEnded(reason);
        var message = $"yamux session closed: {reason}";
        foreach (var stream in streams)
            stream.Fail(message);
        _streams.EndAccepts();
        _pings.Close(reason);
        if (goAway is { } code)
            Outbox.TryAppendControl(YamuxFrameType.GoAway, YamuxFlags.None, 0, (uint)code);
        Outbox.Close(reason, drain: goAway is not null);
        _ = FinishAsync(reason, faulted, cause);
    }

    private async Task FinishAsync(string reason, bool faulted, Exception? cause)
    {
        try
        {
            await _writerLoop.WaitAsync(_options.WriteTimeout);
        }
        catch (TimeoutException)
        {
            _logger.GoAwayNotWritten(_options.WriteTimeout);
        }

        try
        {
            await _shutdown.CancelAsync();
            await _transport.DisposeAsync();
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
        {
            _logger.TransportCloseFailed(e);
        }

        if (faulted)
            _completion.TrySetException(cause is null ? new YamuxSessionClosedException(reason) : new YamuxSessionClosedException(reason, cause));
        else
            _completion.TrySetResult();
    }
}
