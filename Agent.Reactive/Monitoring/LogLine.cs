namespace Agent.Reactive.Monitoring;

/// <summary>A line of script output; <see cref="Source"/> is <c>startup</c> or <c>shutdown</c>.</summary>
public sealed record LogLine(DateTimeOffset At, string Source, string Output, string Level = "info") : AgentEvent(At);
