using Agent.Reactive.Protocol;

namespace Agent.Reactive.Monitoring;

/// <summary>The watched resources' usage and state: sent with the first sample and whenever a state turns <c>warning</c> or <c>ok</c>.</summary>
public sealed record ResourcesChanged(DateTimeOffset At, IReadOnlyList<ResourceStatus> Resources) : AgentEvent(At);
