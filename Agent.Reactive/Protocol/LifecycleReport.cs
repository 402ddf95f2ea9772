using System.Text.Json.Serialization;

namespace Agent.Reactive.Protocol;

/// <summary><c>POST me/report-lifecycle</c>; <c>changed_at</c> is the time the state changed, not the time of the post.</summary>
public sealed record LifecycleReport(
    [property: JsonPropertyName("state")] LifecycleState State,
    [property: JsonPropertyName("changed_at")] DateTimeOffset ChangedAt);
