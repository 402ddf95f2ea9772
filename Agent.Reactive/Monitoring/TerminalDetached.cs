namespace Agent.Reactive.Monitoring;

/// <summary>A client left a reconnecting terminal, or was disconnected because it fell too far behind.</summary>
/// <param name="At">When.</param>
/// <param name="Id">The reconnect ID.</param>
/// <param name="Clients">Clients still attached.</param>
/// <param name="Reason">Why: <c>"left"</c> or <c>"too slow"</c>.</param>
public sealed record TerminalDetached(DateTimeOffset At, string Id, int Clients, string Reason) : AgentEvent(At);
