using Agent.Reactive.Protocol;

namespace Agent.Reactive.Monitoring;

/// <summary>The lifecycle moved to <see cref="State"/> at <see cref="AgentEvent.At"/>.</summary>
public sealed record LifecycleChanged(DateTimeOffset At, LifecycleState State) : AgentEvent(At);
