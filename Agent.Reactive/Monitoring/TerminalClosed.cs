namespace Agent.Reactive.Monitoring;

/// <summary>A reconnecting terminal's process ended (by itself or after the inactivity timeout); the ID is forgotten.</summary>
/// <param name="At">When.</param>
/// <param name="Id">The reconnect ID.</param>
/// <param name="ExitCode">The exit code, or 128 + the signal; <c>null</c> when it could not be learned.</param>
public sealed record TerminalClosed(DateTimeOffset At, string Id, int? ExitCode) : AgentEvent(At);
