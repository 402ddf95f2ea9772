namespace Agent.Reactive.Monitoring;

/// <summary>The control plane took a new session recording.</summary>
/// <param name="At">When.</param>
/// <param name="Id">The recording's ID at the control plane.</param>
/// <param name="Kind"><c>ssh</c> or <c>terminal</c>.</param>
/// <param name="Who">Who runs the session.</param>
public sealed record RecordingStarted(DateTimeOffset At, string Id, string Kind, string Who) : AgentEvent(At);
