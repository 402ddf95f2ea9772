using System.Text.Json.Serialization;
using Agent.Reactive.Protocol;

namespace Agent.Runtime.ControlPlane;

/// <summary>One agent of a workspace file: its name, its token (a UUID, hyphens optional) and the manifest served to it.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record WorkspaceAgentDefinition
{
    [JsonPropertyName("name")]
    public string Name { get; init; } = string.Empty;

    [JsonPropertyName("token")]
    public string Token { get; init; } = string.Empty;

    [JsonPropertyName("manifest")]
    public Manifest Manifest { get; init; } = new();
}
