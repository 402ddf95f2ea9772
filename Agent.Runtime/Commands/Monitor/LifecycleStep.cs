using Agent.Reactive.Protocol;

namespace Agent.Runtime.Commands.Monitor;

/// <summary>The agent was in <see cref="State"/> from <see cref="EnteredAt"/> until <see cref="LeftAt"/> (null: still is).</summary>
public sealed record LifecycleStep(LifecycleState State, DateTimeOffset EnteredAt, DateTimeOffset? LeftAt = null)
{
    /// <summary>Time spent in the state, counted up to <paramref name="now"/> for the current one; never negative.</summary>
    public TimeSpan TimeIn(DateTimeOffset now)
    {
        var duration = (LeftAt ?? now) - EnteredAt;
        return duration < TimeSpan.Zero ? TimeSpan.Zero : duration;
    }
}
