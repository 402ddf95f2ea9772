using Agent.Reactive.Protocol;

namespace Agent.Reactive.Monitoring;

/// <summary>A metadata item was collected (and reported).</summary>
public sealed record MetadataCollected(DateTimeOffset At, string Key, string DisplayName, MetadataResult Result) : AgentEvent(At);
