using Agent.Reactive.Protocol;

namespace Agent.Runtime.ControlPlane;

/// <summary>
/// The last hour of one agent's stats in 60 one-minute slots (a ring of 40-byte structs, 2.4 KB, made on the first
/// report): a window lands in the minute of the server time it was taken, a slot from an hour ago is reused, and
/// minutes without a report have no point. In memory only: a restart starts an empty hour. Not thread-safe: the
/// agent's lock guards it.
/// </summary>
internal sealed class StatsHistory
{
    /// <summary>Minutes kept.</summary>
    public const int Minutes = 60;

    /// <summary>Seconds per point.</summary>
    public const int BucketSeconds = 60;

    private readonly StatsMinute[] _minutes = new StatsMinute[Minutes];

    /// <summary>Adds a stats window taken at server time <paramref name="at"/>.</summary>
    public void Add(DateTimeOffset at, Stats stats)
    {
        var minute = StatsMinute.Of(at);
        ref var slot = ref _minutes[minute % Minutes];
        if (slot.Minute > minute)
            return; // Older than the minute this slot holds now (a clock that went back): dropped.
        if (slot.Minute != minute)
            slot = new StatsMinute { Minute = minute };
        slot.Take(stats);
    }

    /// <summary>The minutes with a report among the hour up to <paramref name="now"/>, oldest first.</summary>
    public IReadOnlyList<StatsPoint> Points(DateTimeOffset now)
    {
        var current = StatsMinute.Of(now);
        var points = new List<StatsPoint>(Minutes);
        for (var minute = Math.Max(1, current - Minutes + 1); minute <= current; minute++)
        {
            ref readonly var slot = ref _minutes[minute % Minutes];
            if (slot.Minute == minute)
                points.Add(slot.ToPoint());
        }

        return points;
    }
}
