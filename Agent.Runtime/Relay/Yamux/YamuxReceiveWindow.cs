namespace Agent.Runtime.Relay.Yamux;

/// <summary>
/// A stream's receive window: what the peer may still send, the window we grant (which grows while the reader keeps
/// up), and the consumed bytes not credited back yet. Not thread-safe: the stream's lock guards it.
/// </summary>
internal sealed class YamuxReceiveWindow
{
    private static readonly TimeSpan MinimumGrowthInterval = TimeSpan.FromMilliseconds(2);
    private readonly YamuxSession _session;
    private readonly YamuxOptions _options;
    private long _remaining;
    private int _unacknowledged;
    private DateTimeOffset _lastUpdate;

    public YamuxReceiveWindow(YamuxSession session, YamuxOptions options)
    {
        _session = session;
        _options = options;
        _remaining = options.InitialWindow;
        Target = options.InitialWindow;
        _lastUpdate = options.Scheduler.Now;
    }

    /// <summary>The receive window this stream currently grants (grows up to MaxWindow).</summary>
    public int Target { get; private set; }

    /// <summary>A data frame of <paramref name="length"/> bytes arrives; false when it exceeds what we granted.</summary>
    public bool TryReserve(uint length)
    {
        if (length > _remaining)
            return false;
        _remaining -= length;
        return true;
    }

    /// <summary>
    /// Credits <paramref name="count"/> consumed bytes; returns the window update to send (0: none yet). An update goes
    /// out once half the window is consumed (fewer, larger updates), and none once <paramref name="finished"/> (the
    /// peer sends no more). Window growth: a sender limited by the window delivers at most one window per round trip,
    /// so when our reader consumes half a window within two round trips of the previous update (or within
    /// <see cref="MinimumGrowthInterval"/>, a floor for tiny loopback RTTs) the window, not the reader, is the
    /// bottleneck: the window doubles (up to MaxWindow, within the session's growth budget) and the extra credit rides
    /// on this update. A reader slower than the link sends updates further apart and keeps its window, so memory grows
    /// only for streams that can use it. Round trips come from the session's pings; time from the options' scheduler.
    /// </summary>
    public int Acknowledge(int count, bool finished)
    {
        _unacknowledged += count;
        if (finished || _unacknowledged < Target / 2)
            return 0;
        var now = _options.Scheduler.Now;
        var threshold = TimeSpan.FromTicks(Math.Max(2 * _session.RoundTrip.Ticks, MinimumGrowthInterval.Ticks));
        var growth = 0;
        if (Target < _options.MaxWindow && now - _lastUpdate < threshold)
        {
            growth = _session.ReserveWindowGrowth(Math.Min(Target, _options.MaxWindow - Target));
            Target += growth;
        }

        var delta = _unacknowledged + growth;
        _unacknowledged = 0;
        _remaining += delta;
        _lastUpdate = now;
        return delta;
    }
}
