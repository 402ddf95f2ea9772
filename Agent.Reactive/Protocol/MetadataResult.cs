using System.Text.Json.Serialization;

namespace Agent.Reactive.Protocol;

/// <summary><c>POST me/metadata/{key}</c>.</summary>
public sealed record MetadataResult(
    [property: JsonPropertyName("collected_at")] DateTimeOffset CollectedAt,
    [property: JsonPropertyName("age")] long Age,
    [property: JsonPropertyName("value")] string Value,
    [property: JsonPropertyName("error")] string Error);
