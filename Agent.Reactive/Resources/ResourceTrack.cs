using Agent.Reactive.Protocol;

namespace Agent.Reactive.Resources;

/// <summary>Where one resource stands in <see cref="ResourceHysteresis"/>: its state, the run of samples above the threshold or below the low mark, and when the state last changed.</summary>
public sealed record ResourceTrack(ResourceState State, int Above, int Below, DateTimeOffset? ChangedAt)
{
    public static ResourceTrack Initial { get; } = new(ResourceState.Ok, 0, 0, null);
}
