using System.Text.Json.Serialization;

namespace Agent.Reactive.Protocol;

/// <summary>One metric of a stats report.</summary>
public sealed record AgentMetric(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("value")] double Value,
    [property: JsonPropertyName("labels")] IReadOnlyList<AgentMetricLabel>? Labels = null);
