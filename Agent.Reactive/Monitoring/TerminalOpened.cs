namespace Agent.Reactive.Monitoring;

/// <summary>A reconnecting terminal started its process.</summary>
/// <param name="At">When.</param>
/// <param name="Id">The reconnect ID the clients attach with.</param>
/// <param name="Command">What it runs; empty for the login shell.</param>
/// <param name="ProcessId">The process on the terminal.</param>
public sealed record TerminalOpened(DateTimeOffset At, string Id, string Command, int ProcessId) : AgentEvent(At);
