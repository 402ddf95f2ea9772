namespace Agent.Reactive.Monitoring;

/// <summary>The agent's relay to the control plane connected or was lost; <see cref="Reason"/> says why it was lost.</summary>
public sealed record RelayChanged(DateTimeOffset At, ConnectionState State, string? Reason = null) : AgentEvent(At);
