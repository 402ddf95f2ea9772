using Agent.Reactive.Protocol;

namespace Agent.Reactive.Metadata;

/// <summary>Turns the manifest's whole-second intervals and timeouts into durations.</summary>
internal static class MetadataTiming
{
    /// <summary>The timeout (in units) when an item has neither a timeout nor an interval.</summary>
    public const int DefaultTimeoutUnits = 5;

    /// <summary>A collection is never allowed to run longer than this, whatever the manifest says.</summary>
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromHours(24);

    /// <summary><paramref name="count"/> units, at least zero, saturating at <see cref="TimeSpan.MaxValue"/>.</summary>
    public static TimeSpan Scale(long count, TimeSpan unit)
    {
        if (count <= 0)
            return TimeSpan.Zero;
        var ticks = count * (double)unit.Ticks;
        return ticks >= TimeSpan.MaxValue.Ticks ? TimeSpan.MaxValue : TimeSpan.FromTicks((long)ticks);
    }

    /// <summary>The item's timeout; its interval when the timeout is 0; five units when both are 0.</summary>
    public static TimeSpan TimeoutOf(MetadataDescription item, TimeSpan unit)
    {
        var units = item.Timeout > 0 ? item.Timeout : item.Interval > 0 ? item.Interval : DefaultTimeoutUnits;
        var timeout = Scale(units, unit);
        return timeout > MaxTimeout ? MaxTimeout : timeout;
    }
}
