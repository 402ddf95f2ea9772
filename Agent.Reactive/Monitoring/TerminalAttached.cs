namespace Agent.Reactive.Monitoring;

/// <summary>A client attached to a reconnecting terminal (it got the replay, then live output).</summary>
/// <param name="At">When.</param>
/// <param name="Id">The reconnect ID.</param>
/// <param name="Clients">Clients attached now, this one included.</param>
public sealed record TerminalAttached(DateTimeOffset At, string Id, int Clients) : AgentEvent(At);
