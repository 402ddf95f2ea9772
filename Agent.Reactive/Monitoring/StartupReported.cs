namespace Agent.Reactive.Monitoring;

/// <summary>The agent introduced itself (<c>POST me/startup</c>).</summary>
public sealed record StartupReported(DateTimeOffset At, string Version, string ExpandedDirectory, string Subsystem) : AgentEvent(At);
