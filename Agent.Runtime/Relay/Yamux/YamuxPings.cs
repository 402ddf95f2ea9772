using System.Reactive.Concurrency;

namespace Agent.Runtime.Relay.Yamux;

/// <summary>
/// The pings of one session: keepalives on the options' scheduler (one not answered in time ends the session),
/// <see cref="YamuxSession.PingAsync"/> calls, answers to the peer's pings, and the smoothed round trip that stream
/// windows grow against (a first ping measures it as the session starts).
/// </summary>
internal sealed class YamuxPings
{
    private readonly YamuxSession _session;
    private readonly YamuxOptions _options;
    private readonly Lock _gate = new();
    private readonly Dictionary<uint, PendingPing> _pending = [];
    private readonly IDisposable _keepAlive;
    private uint _nextId;
    private string? _closeReason;
    private long _roundTripTicks;

    public YamuxPings(YamuxSession session, YamuxOptions options)
    {
        _session = session;
        _options = options;
        _keepAlive = options.Scheduler.Schedule(options.KeepAliveInterval, next =>
        {
            if (SendKeepAlive())
                next(options.KeepAliveInterval);
        });

        lock (_gate)
            SendLocked(null);
    }

    /// <summary>The smoothed round trip (zero before the first answer).</summary>
    public TimeSpan RoundTrip => TimeSpan.FromTicks(Interlocked.Read(ref _roundTripTicks));

    /// <summary>Pings sent and not answered yet (keepalive and measurement ones included).</summary>
    public int Pending
    {
        get
        {
            lock (_gate)
                return _pending.Count;
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
            if (_pending.Count >= _options.MaxPendingPings)
                throw new IOException($"too many pings in flight ({_options.MaxPendingPings})");
            id = SendLocked(answer);
        }

        try
        {
            return await answer.Task.WaitAsync(ct);
        }
        finally
        {
            lock (_gate)
                _pending.Remove(id);
        }
    }

    /// <summary>A ping frame from the peer: a SYN is echoed with ACK, an ACK answers one of ours (its length is the ping id).</summary>
    public void OnFrame(YamuxFrameHeader header)
    {
        if ((header.Flags & YamuxFlags.Syn) != 0)
        {
            _session.SendControl(YamuxFrameType.Ping, YamuxFlags.Ack, 0, header.Length);
            return;
        }

        if ((header.Flags & YamuxFlags.Ack) == 0)
            return;
        PendingPing ping;
        lock (_gate)
        {
            if (!_pending.Remove(header.Length, out ping))
                return;
        }

        var roundTrip = _options.Scheduler.Now - ping.SentAt;
        if (roundTrip < TimeSpan.Zero)
            roundTrip = TimeSpan.Zero;
        var previous = Interlocked.Read(ref _roundTripTicks);
        Interlocked.Exchange(ref _roundTripTicks, previous == 0 ? roundTrip.Ticks : ((7 * previous) + roundTrip.Ticks) / 8);
        ping.Answer?.TrySetResult(roundTrip);
    }

    /// <summary>The session ended: keepalives stop, pending and later pings fail with <paramref name="reason"/>.</summary>
    public void Close(string reason)
    {
        List<PendingPing> pings;
        lock (_gate)
        {
            if (_closeReason is not null)
                return;
            _closeReason = reason;
            pings = [.. _pending.Values];
            _pending.Clear();
        }

        _keepAlive.Dispose();
        foreach (var ping in pings)
            ping.Answer?.TrySetException(new YamuxSessionClosedException(reason));
    }

    private uint SendLocked(TaskCompletionSource<TimeSpan>? answer)
    {
        var id = _nextId++;
        _pending[id] = new PendingPing(answer, _options.Scheduler.Now);
        _session.SendControl(YamuxFrameType.Ping, YamuxFlags.Syn, 0, id);
        return id;
    }

    /// <summary>Sends a keepalive and arms its timeout; false once the session ended (no more keepalives).</summary>
    private bool SendKeepAlive()
    {
        uint id;
        lock (_gate)
        {
            if (_closeReason is not null)
                return false;
            id = SendLocked(null);
        }

        _options.Scheduler.Schedule(_options.KeepAliveTimeout, () =>
        {
            bool unanswered;
            lock (_gate)
                unanswered = _pending.Remove(id);
            if (unanswered)
                _session.Terminate($"keepalive timeout: no ping answer within {_options.KeepAliveTimeout.TotalSeconds:0.###} s", YamuxGoAwayCode.InternalError, faulted: true);
        });
        return true;
    }

    private readonly record struct PendingPing(TaskCompletionSource<TimeSpan>? Answer, DateTimeOffset SentAt);
}
