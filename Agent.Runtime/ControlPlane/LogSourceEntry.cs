using System.Text.Json.Serialization;

namespace Agent.Runtime.ControlPlane;

/// <summary>One log source of an agent for the user API: the manifest's, with how many lines it holds.</summary>
public sealed record LogSourceEntry(
    [property: JsonPropertyName("id")] Guid Id,
    [property: JsonPropertyName("display_name")] string DisplayName,
    [property: JsonPropertyName("icon")] string Icon,
    [property: JsonPropertyName("count")] int Count);
