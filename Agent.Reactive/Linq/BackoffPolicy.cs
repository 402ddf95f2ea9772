namespace Agent.Reactive.Linq;

/// <summary>
/// Exponential backoff: the first retry waits <see cref="Initial"/>, each further one twice as long up to
/// <see cref="Maximum"/>. <see cref="Jitter"/> spreads each delay by up to that fraction either way, so
/// many agents that lost the same control plane do not come back in lock step. When
/// <see cref="ResetAfter"/> is set, a subscription that lived that long without failing starts over
/// from <see cref="Initial"/>.
/// </summary>
public sealed record BackoffPolicy(TimeSpan Initial, TimeSpan Maximum, double Jitter = 0, TimeSpan? ResetAfter = null)
{
    /// <summary>The connection loop's policy: 100 ms → 10 s, ±20 % jitter, reset after a healthy minute.</summary>
    public static BackoffPolicy Reconnect { get; } = new(
        TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(10), Jitter: 0.2, ResetAfter: TimeSpan.FromMinutes(1));

    /// <summary>Delay before retry number <paramref name="attempt"/> (0-based); <paramref name="random"/> is in [0, 1).</summary>
    public TimeSpan DelayFor(int attempt, double random)
    {
        var exponent = Math.Min(attempt, 30);
        var ticks = Math.Min(Initial.Ticks * Math.Pow(2, exponent), Maximum.Ticks);
        var spread = 1 + (Jitter * ((2 * random) - 1));
        return TimeSpan.FromTicks((long)Math.Clamp(ticks * spread, 0, Maximum.Ticks));
    }
}
