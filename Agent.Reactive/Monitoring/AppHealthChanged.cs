using Agent.Reactive.Protocol;

namespace Agent.Reactive.Monitoring;

/// <summary>The health of the workspace apps, whole map, after a change.</summary>
public sealed record AppHealthChanged(DateTimeOffset At, IReadOnlyDictionary<Guid, AppHealth> Healths) : AgentEvent(At);
