using System.Buffers;
using System.Reactive.Concurrency;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Relay.Yamux;

/// <summary>
/// A yamux session (hashicorp/yamux spec) over one duplex transport: one reader loop dispatching frames, one
/// writer loop writing coalesced frames, keepalive pings on the options' scheduler. The client opens odd stream
/// ids, the server even ones. Any protocol violation by the peer ends this session (go-away protocol error, logged
/// reason); nothing here throws out of the loops.
/// </summary>
public sealed class YamuxSession : IAsyncDisposable
{
    private const int ReadBufferSize = 64 * 1024;
    private readonly Stream _transport;
    private readonly YamuxOptions _options;
    private readonly ILogger _logger;
    private readonly bool _isClient;
    private readonly Lock _gate = new();
    private readonly Dictionary<uint, YamuxStream> _streams = [];
    private readonly Dictionary<uint, PendingPing> _pings = [];
    private readonly Channel<YamuxStream> _accepted = Channel.CreateUnbounded<YamuxStream>(new UnboundedChannelOptions { SingleWriter = true });
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _shutdown = new();
    private readonly Task _readerLoop;
    private readonly Task _writerLoop;
    private readonly IDisposable _keepAlive;
    private uint _nextStreamId;
    private uint _lastInboundId;
    private uint _nextPingId;
    private int _backlog;
    private bool _goingAway;
    private string? _closeReason;
    private long _roundTripTicks;
    private long _windowGrowth; // receive window granted beyond the initial windows, over all streams (under _gate)

    private YamuxSession(Stream transport, YamuxOptions options, ILogger logger, bool isClient)
    {
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        options.Validate();
        _transport = transport;
        _options = options;
        _logger = logger;
        _isClient = isClient;
        _nextStreamId = isClient ? 1u : 2u;
        Outbox = new YamuxOutbox(options.MaxFramePayload);
        _keepAlive = options.Scheduler.Schedule(options.KeepAliveInterval, next =>
        {
            SendKeepAlive();
            if (!_completion.Task.IsCompleted)
                next(options.KeepAliveInterval);
        });

        // A first ping measures the round trip that window growth is judged against.
        lock (_gate)
            SendPingLocked(null);
        _writerLoop = Task.Run(WriteLoopAsync);
        _readerLoop = Task.Run(ReadLoopAsync);
    }

    /// <summary>Completes when the session ended: RanToCompletion after go-away or dispose, Faulted with the reason otherwise.</summary>
    public Task Completion => _completion.Task;

    /// <summary>Streams open in this session (including inbound ones not accepted yet).</summary>
    public int OpenStreams
    {
        get
        {
            lock (_gate)
                return _streams.Count;
        }
    }

    /// <summary>The smoothed ping round trip (zero before the first answer).</summary>
    internal TimeSpan RoundTrip => TimeSpan.FromTicks(Interlocked.Read(ref _roundTripTicks));

    internal YamuxOutbox Outbox { get; }

    /// <summary>Pings sent and not answered yet (keepalive and measurement ones included).</summary>
    internal int PendingPings
    {
        get
        {
            lock (_gate)
                return _pings.Count;
        }
    }

    /// <summary>The client side of a session: opens odd stream ids. Starts its loops.</summary>
    public static YamuxSession Client(Stream transport, YamuxOptions options, ILogger logger) => new(transport, options, logger, isClient: true);

    /// <summary>The server side of a session: opens even stream ids. Starts its loops.</summary>
    public static YamuxSession Server(Stream transport, YamuxOptions options, ILogger logger) => new(transport, options, logger, isClient: false);

    /// <summary>Opens a stream: sends its SYN and returns at once (data may follow the SYN before the peer's ACK).</summary>
    public Task<YamuxStream> OpenStreamAsync(CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (_closeReason is not null)
                throw new YamuxSessionClosedException(_closeReason);
            if (_goingAway)
                throw new YamuxSessionClosedException("the session is going away: no new streams");
            if (_streams.Count >= _options.MaxStreams)
                throw new IOException($"too many open streams ({_options.MaxStreams})");
            if (_nextStreamId > uint.MaxValue - 2)
                throw new YamuxSessionClosedException("stream ids exhausted");
            var stream = new YamuxStream(this, _nextStreamId, _options);
            _nextStreamId += 2;
            _streams.Add(stream.Id, stream);
            SendControl(YamuxFrameType.WindowUpdate, YamuxFlags.Syn, stream.Id, (uint)(_options.InitialWindow - YamuxOptions.SpecInitialWindow));
            return Task.FromResult(stream);
        }
    }

    /// <summary>The next stream the peer opened; throws <see cref="YamuxSessionClosedException"/> once the session ended.</summary>
    public async Task<YamuxStream> AcceptStreamAsync(CancellationToken ct)
    {
        try
        {
            var stream = await _accepted.Reader.ReadAsync(ct);
            Interlocked.Decrement(ref _backlog);
            return stream;
        }
        catch (ChannelClosedException)
        {
            lock (_gate)
                throw new YamuxSessionClosedException(_closeReason ?? (_goingAway ? "the session is going away: no new streams" : "session closed"));
        }
    }

    /// <summary>Sends a ping and returns the round trip when its echo arrives.</summary>
    public async Task<TimeSpan> PingAsync(CancellationToken ct)
    {
        TaskCompletionSource<TimeSpan> answer = new(TaskCreationOptions.RunContinuationsAsynchronously);
        uint id;
        lock (_gate)
        {
            if (_closeReason is not null)
                throw new YamuxSessionClosedException(_closeReason);
            if (_pings.Count >= _options.MaxPendingPings)
                throw new IOException($"too many pings in flight ({_options.MaxPendingPings})");
            id = SendPingLocked(answer);
        }

        try
        {
            return await answer.Task.WaitAsync(ct);
        }
        finally
        {
            lock (_gate)
                _pings.Remove(id);
        }
    }

    /// <summary>Go-away: no new streams in either direction; the existing ones finish, then the session ends.</summary>
    public Task GoAwayAsync(YamuxGoAwayCode code = YamuxGoAwayCode.Normal)
    {
        if (code != YamuxGoAwayCode.Normal)
        {
            Terminate($"local go-away ({code})", code, faulted: true);
            return Task.CompletedTask;
        }

        bool empty;
        lock (_gate)
        {
            if (_closeReason is not null || _goingAway)
                return Task.CompletedTask;
            _goingAway = true;
            SendControl(YamuxFrameType.GoAway, YamuxFlags.None, 0, (uint)code);
            empty = _streams.Count == 0;
        }

        _accepted.Writer.TryComplete();
        _logger.LogInformation("yamux: go-away sent, {Count} streams finishing", OpenStreams);
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

    /// <summary>
    /// Writes one data frame straight to the transport (the caller won <see cref="YamuxOutbox.TryBeginInline"/>);
    /// a failure ends the session and surfaces as <see cref="IOException"/>.
    /// </summary>
    internal async ValueTask WriteInlineAsync(byte[] header, uint streamId, ReadOnlyMemory<byte> payload)
    {
        YamuxFrameHeader.Write(header, YamuxFrameType.Data, YamuxFlags.None, streamId, (uint)payload.Length);
        try
        {
            await WriteAsync(header);
            await WriteAsync(payload);
            var flush = _transport.FlushAsync(_shutdown.Token);
            if (!flush.IsCompletedSuccessfully)
                await flush.WaitAsync(_options.WriteTimeout);
        }
        catch (TimeoutException)
        {
            var reason = $"transport write stuck for {_options.WriteTimeout.TotalSeconds:0.###} s";
            Terminate(reason, null, faulted: true);
            throw new YamuxSessionClosedException(reason);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException or InvalidOperationException or NotSupportedException)
        {
            var reason = $"transport write failed: {e.Message}";
            Terminate(reason, null, faulted: true, e);
            throw new YamuxSessionClosedException(reason, e);
        }
    }

    /// <summary>Takes up to <paramref name="wanted"/> bytes of the session's window growth budget; returns what was granted.</summary>
    internal int ReserveWindowGrowth(int wanted)
    {
        lock (_gate)
        {
            var granted = (int)Math.Clamp(_options.MaxSessionWindowGrowth - _windowGrowth, 0, wanted);
            _windowGrowth += granted;
            return granted;
        }
    }

    /// <summary>Forgets a stream that is closed both ways or reset; ends a going-away session with its last stream.</summary>
    internal void Remove(YamuxStream stream)
    {
        bool last;
        var grown = stream.WindowTarget - _options.InitialWindow; // read first: a stream takes its lock before ours, never after
        lock (_gate)
        {
            if (!_streams.Remove(stream.Id))
                return;
            _windowGrowth -= grown;
            last = _goingAway && _streams.Count == 0 && _closeReason is null;
        }

        if (last)
            Terminate("go-away: all streams finished", null, faulted: false);
    }

    private uint SendPingLocked(TaskCompletionSource<TimeSpan>? answer)
    {
        var id = _nextPingId++;
        _pings[id] = new PendingPing(answer, _options.Scheduler.Now);
        SendControl(YamuxFrameType.Ping, YamuxFlags.Syn, 0, id);
        return id;
    }

    private void SendKeepAlive()
    {
        uint id;
        lock (_gate)
        {
            if (_closeReason is not null)
                return;
            id = SendPingLocked(null);
        }

        _options.Scheduler.Schedule(_options.KeepAliveTimeout, () =>
        {
            bool unanswered;
            lock (_gate)
                unanswered = _pings.Remove(id);
            if (unanswered)
                Terminate($"keepalive timeout: no ping answer within {_options.KeepAliveTimeout.TotalSeconds:0.###} s", YamuxGoAwayCode.InternalError, faulted: true);
        });
    }

    private async Task WriteLoopAsync()
    {
        YamuxOutbox.Batch? batch = null;
        try
        {
            while ((batch = await Outbox.TakeBatchAsync()) is not null)
            {
                var written = 0;
                for (var i = 0; i < batch.SlotCount; i++)
                {
                    var slot = batch[i];
                    await WriteAsync(batch.Buffer.AsMemory(written, slot.Offset - written));
                    await WriteAsync(slot.Payload);
                    batch.ReleaseSlot(i);
                    written = slot.Offset;
                }

                await WriteAsync(batch.Buffer.AsMemory(written, batch.BufferLength - written));
                var flush = _transport.FlushAsync(_shutdown.Token);
                if (!flush.IsCompletedSuccessfully)
                    await flush.WaitAsync(_options.WriteTimeout);
                Outbox.ReturnBatch(batch);
                batch = null;
            }
        }
        catch (TimeoutException)
        {
            Terminate($"transport write stuck for {_options.WriteTimeout.TotalSeconds:0.###} s", null, faulted: true);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException or InvalidOperationException or NotSupportedException)
        {
            Terminate($"transport write failed: {e.Message}", null, faulted: true, e);
        }
        finally
        {
            // Streams are failed (Terminate) before the writers of unsent payloads wake.
            if (batch is not null)
                Outbox.ReturnBatch(batch);
            Outbox.Release();
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask WriteAsync(ReadOnlyMemory<byte> bytes)
    {
        if (bytes.IsEmpty)
            return;
        var write = _transport.WriteAsync(bytes, _shutdown.Token);
        if (!write.IsCompletedSuccessfully)
            await write.AsTask().WaitAsync(_options.WriteTimeout);
    }

    private async Task ReadLoopAsync()
    {
        var reader = new YamuxFrameReader(_transport, _shutdown.Token);
        try
        {
            while (true)
            {
                if (!await reader.FillAsync(YamuxFrameHeader.Size, atFrameStart: true))
                {
                    bool graceful;
                    lock (_gate)
                        graceful = _goingAway;
                    Terminate(graceful ? "transport closed after go-away" : "transport closed by the peer", null, faulted: !graceful);
                    return;
                }

                var header = reader.TakeHeader();
                await DispatchAsync(header, reader);
            }
        }
        catch (YamuxProtocolException e)
        {
            Terminate($"protocol error: {e.Message}", YamuxGoAwayCode.ProtocolError, faulted: true);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException or InvalidOperationException or NotSupportedException)
        {
            Terminate($"transport read failed: {e.Message}", null, faulted: true, e);
        }
        finally
        {
            reader.Dispose();
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask DispatchAsync(YamuxFrameHeader header, YamuxFrameReader reader)
    {
        if (header.Version != YamuxFrameHeader.ProtocolVersion)
            throw new YamuxProtocolException($"unsupported version {header.Version}");
        switch (header.Type)
        {
            case YamuxFrameType.Data:
                {
                    if (header.Length > (uint)_options.MaxWindow)
                        throw new YamuxProtocolException($"data frame of {header.Length} bytes on stream {header.StreamId} exceeds the largest window ({_options.MaxWindow})");
                    var stream = Resolve(header);
                    var length = (int)header.Length;
                    if (length > 0)
                    {
                        if (stream is null)
                        {
                            await reader.SkipAsync(length);
                        }
                        else
                        {
                            if (!stream.TryReserveReceive(header.Length))
                                throw new YamuxProtocolException($"stream {header.StreamId} sent {header.Length} bytes beyond its window");
                            _options.DataReceived?.Invoke(length);
                            if (stream.TryClaimReader(length, out var destination))
                            {
                                await reader.ReadAsync(destination);
                                stream.CompleteDirect(destination.Length);
                                length -= destination.Length;
                            }

                            if (length == 0)
                            {
                                ApplyCloseFlags(header, stream);
                                break;
                            }

                            var payload = ArrayPool<byte>.Shared.Rent(length);
                            try
                            {
                                await reader.ReadAsync(payload.AsMemory(0, length));
                            }
                            catch
                            {
                                ArrayPool<byte>.Shared.Return(payload);
                                throw;
                            }

                            stream.Deliver(payload, length);
                        }
                    }

                    ApplyCloseFlags(header, stream);
                    break;
                }

            case YamuxFrameType.WindowUpdate:
                {
                    var stream = Resolve(header);
                    if (stream is not null && !stream.OnWindowUpdate(header.Length))
                        throw new YamuxProtocolException($"window of stream {header.StreamId} overflows 32 bits");
                    ApplyCloseFlags(header, stream);
                    break;
                }

            case YamuxFrameType.Ping:
                OnPing(header);
                break;
            case YamuxFrameType.GoAway:
                OnGoAway((YamuxGoAwayCode)header.Length);
                break;
            default:
                throw new YamuxProtocolException($"unknown frame type {(byte)header.Type}");
        }
    }

    private YamuxStream? Resolve(YamuxFrameHeader header)
    {
        var id = header.StreamId;
        var ours = (id % 2 == 1) == _isClient;
        if ((header.Flags & YamuxFlags.Syn) != 0)
        {
            if (id == 0 || ours)
                throw new YamuxProtocolException($"SYN for stream {id}, which is not the peer's to open");
            YamuxStream stream;
            string? refusal = null;
            lock (_gate)
            {
                if (id <= _lastInboundId)
                    throw new YamuxProtocolException($"duplicate SYN for stream {id}");
                _lastInboundId = id;
                if (_closeReason is not null)
                    return null;
                if (_goingAway)
                    refusal = "going away";
                else if (_streams.Count >= _options.MaxStreams)
                    refusal = $"too many open streams ({_options.MaxStreams})";
                else if (Volatile.Read(ref _backlog) >= _options.AcceptBacklog)
                    refusal = $"accept backlog full ({_options.AcceptBacklog})";
                if (refusal is not null)
                {
                    SendControl(YamuxFrameType.WindowUpdate, YamuxFlags.Rst, id, 0);
                    stream = null!;
                }
                else
                {
                    stream = new YamuxStream(this, id, _options);
                    _streams.Add(id, stream);
                    SendControl(YamuxFrameType.WindowUpdate, YamuxFlags.Ack, id, (uint)(_options.InitialWindow - YamuxOptions.SpecInitialWindow));
                }
            }

            if (refusal is not null)
            {
                _logger.LogDebug("yamux: refused stream {Id}: {Reason}", id, refusal);
                return null;
            }

            Interlocked.Increment(ref _backlog);
            _accepted.Writer.TryWrite(stream);
            return stream;
        }

        lock (_gate)
        {
            if (_streams.TryGetValue(id, out var stream))
                return stream;
            var seen = id != 0 && (ours ? id < _nextStreamId : id <= _lastInboundId);
            if (!seen)
                throw new YamuxProtocolException($"{header.Type} frame for unknown stream {id}");
            return null;
        }
    }

    private void ApplyCloseFlags(YamuxFrameHeader header, YamuxStream? stream)
    {
        if (stream is null)
            return;
        if ((header.Flags & YamuxFlags.Rst) != 0)
        {
            stream.Fail("stream reset by peer");
            Remove(stream);
        }
        else if ((header.Flags & YamuxFlags.Fin) != 0)
        {
            stream.OnRemoteFin();
        }
    }

    private void OnPing(YamuxFrameHeader header)
    {
        if ((header.Flags & YamuxFlags.Syn) != 0)
        {
            SendControl(YamuxFrameType.Ping, YamuxFlags.Ack, 0, header.Length);
            return;
        }

        if ((header.Flags & YamuxFlags.Ack) == 0)
            return;
        PendingPing ping;
        lock (_gate)
        {
            if (!_pings.Remove(header.Length, out ping))
                return;
        }

        var roundTrip = _options.Scheduler.Now - ping.SentAt;
        if (roundTrip < TimeSpan.Zero)
            roundTrip = TimeSpan.Zero;
        var previous = Interlocked.Read(ref _roundTripTicks);
        Interlocked.Exchange(ref _roundTripTicks, previous == 0 ? roundTrip.Ticks : ((7 * previous) + roundTrip.Ticks) / 8);
        ping.Answer?.TrySetResult(roundTrip);
    }

    private void OnGoAway(YamuxGoAwayCode code)
    {
        if (code != YamuxGoAwayCode.Normal)
        {
            Terminate($"the peer sent go-away ({(code is YamuxGoAwayCode.ProtocolError or YamuxGoAwayCode.InternalError ? code.ToString() : ((int)code).ToString(System.Globalization.CultureInfo.InvariantCulture))})", null, faulted: true);
            return;
        }

        bool empty;
        lock (_gate)
        {
            _goingAway = true;
            empty = _streams.Count == 0;
        }

        _accepted.Writer.TryComplete();
        _logger.LogInformation("yamux: the peer sent go-away; existing streams finish");
        if (empty)
            Terminate("go-away: no streams left", null, faulted: false);
    }

    /// <summary>Ends the session once: fails streams, accepts and pings with the reason, optionally says go-away, closes the transport.</summary>
    private void Terminate(string reason, YamuxGoAwayCode? goAway, bool faulted, Exception? cause = null)
    {
        List<YamuxStream> streams;
        List<PendingPing> pings;
        lock (_gate)
        {
            if (_closeReason is not null)
                return;
            _closeReason = reason;
            streams = [.. _streams.Values];
            _streams.Clear();
            pings = [.. _pings.Values];
            _pings.Clear();
        }

        if (faulted)
            _logger.LogWarning("yamux: session ended: {Reason}", reason);
        else
            _logger.LogInformation("yamux: session ended: {Reason}", reason);
        _keepAlive.Dispose();
        var message = $"yamux session closed: {reason}";
        foreach (var stream in streams)
            stream.Fail(message);
        _accepted.Writer.TryComplete();
        foreach (var ping in pings)
            ping.Answer?.TrySetException(new YamuxSessionClosedException(reason));
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
            _logger.LogDebug("yamux: the go-away was not written within {Timeout}", _options.WriteTimeout);
        }

        try
        {
            await _shutdown.CancelAsync();
            await _transport.DisposeAsync();
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
        {
            _logger.LogDebug(e, "yamux: closing the transport failed");
        }

        if (faulted)
            _completion.TrySetException(cause is null ? new YamuxSessionClosedException(reason) : new YamuxSessionClosedException(reason, cause));
        else
            _completion.TrySetResult();
    }

    private readonly record struct PendingPing(TaskCompletionSource<TimeSpan>? Answer, DateTimeOffset SentAt);
}
