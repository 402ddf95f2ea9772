namespace Agent.Reactive.Monitoring;

/// <summary>The agent connected to, or lost, the control plane; <see cref="Reason"/> says why it was lost.</summary>
public sealed record ConnectionChanged(DateTimeOffset At, ConnectionState State, string? Reason = null) : AgentEvent(At);
