using Agent.Reactive.Protocol;

namespace Agent.Reactive.Monitoring;

/// <summary>One stats window, as reported.</summary>
public sealed record StatsReported(DateTimeOffset At, Stats Stats) : AgentEvent(At);
