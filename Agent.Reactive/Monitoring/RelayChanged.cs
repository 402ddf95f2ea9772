namespace Agent.Reactive.Monitoring;

/// <summary>
/// The agent's relay to the control plane connected or was lost; <see cref="Reason"/> says why it was lost, or, while
/// connected, that a newer relay replaced an older one (the control plane keeps one relay per agent).
/// </summary>
public sealed record RelayChanged(DateTimeOffset At, ConnectionState State, string? Reason = null) : AgentEvent(At);
