using System.Reactive.Concurrency;

namespace Agent.Runtime.Speedtest;

/// <summary>
/// Buckets the bytes of a data phase as tailscale's <c>doTest</c> does, reading the time from a scheduler: an
/// interval closes at the first count at least <see cref="SpeedtestProtocol.Increment"/> after the previous one
/// closed; at the end, the open interval is kept when longer than <see cref="SpeedtestProtocol.MinInterval"/>, and
/// the total runs from the start to the last count. Not thread-safe: one data loop owns it.
/// </summary>
public sealed class SpeedtestMeter
{
    private readonly IScheduler _scheduler;
    private readonly DateTimeOffset _start;
    private readonly List<SpeedtestInterval> _intervals = [];
    private DateTimeOffset _intervalStart;
    private DateTimeOffset _latest;
    private long _intervalBytes;
    private long _totalBytes;

    /// <summary>Starts measuring now (<paramref name="scheduler"/>'s clock).</summary>
    public SpeedtestMeter(IScheduler scheduler)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        _scheduler = scheduler;
        _start = _intervalStart = _latest = scheduler.Now;
    }

    /// <summary>Time since the start.</summary>
    public TimeSpan Elapsed => _scheduler.Now - _start;

    /// <summary>How many intervals have closed so far.</summary>
    public int ClosedIntervals => _intervals.Count;

    /// <summary>Counts <paramref name="bytes"/> moved just now; returns the interval this closes, if it closes one.</summary>
    public SpeedtestInterval? Record(long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        _latest = _scheduler.Now;
        _intervalBytes += bytes;
        _totalBytes += bytes;
        if (_latest - _intervalStart < SpeedtestProtocol.Increment)
            return null;
        var interval = new SpeedtestInterval(_intervalStart - _start, _latest - _start, _intervalBytes);
        _intervals.Add(interval);
        _intervalStart = _latest;
        _intervalBytes = 0;
        return interval;
    }

    /// <summary>Ends the measurement: the intervals (with the tail, when long enough) and the total.</summary>
    public SpeedtestResult Finish(SpeedtestDirection direction)
    {
        if (_latest - _intervalStart > SpeedtestProtocol.MinInterval)
        {
            _intervals.Add(new SpeedtestInterval(_intervalStart - _start, _latest - _start, _intervalBytes));
            _intervalStart = _latest;
            _intervalBytes = 0;
        }

        return new SpeedtestResult(direction, [.. _intervals], new SpeedtestInterval(TimeSpan.Zero, _latest - _start, _totalBytes));
    }
}
