namespace Agent.Reactive.Monitoring;

/// <summary>
/// A line of script output. <see cref="Source"/> names its log source: <c>startup</c> or <c>shutdown</c> for the old
/// scripts, else the source's display name; <see cref="SourceId"/> is the manifest's log source id (null for the old
/// scripts, whose fixed ids are <see cref="Protocol.LogSources.StartupId"/> and <see cref="Protocol.LogSources.ShutdownId"/>).
/// </summary>
public sealed record LogLine(DateTimeOffset At, string Source, string Output, string Level = "info", string? SourceId = null) : AgentEvent(At);
