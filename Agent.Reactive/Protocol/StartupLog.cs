using System.Text.Json.Serialization;

namespace Agent.Reactive.Protocol;

/// <summary>One line of script output (<c>agentsdk.StartupLog</c>).</summary>
public sealed record StartupLog(
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("output")] string Output,
    [property: JsonPropertyName("level")] string Level = "");
