using System.Text.Json.Serialization;

namespace Agent.Reactive.Protocol;

/// <summary><c>POST me/startup</c>.</summary>
public sealed record StartupRequest(
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("expanded_directory")] string ExpandedDirectory,
    [property: JsonPropertyName("subsystem")] string Subsystem);
