using System.Text.Json.Serialization;

namespace Agent.Reactive.Protocol;

/// <summary>A label of an <see cref="AgentMetric"/>.</summary>
public sealed record AgentMetricLabel(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("value")] string Value);
