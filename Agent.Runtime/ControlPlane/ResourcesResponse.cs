using System.Text.Json.Serialization;
using Agent.Reactive.Protocol;

namespace Agent.Runtime.ControlPlane;

/// <summary><c>GET /api/v2/workspaceagents/{name}/resources</c>: the current state of every watched resource and the recent changes.</summary>
public sealed record ResourcesResponse(
    [property: JsonPropertyName("resources")] IReadOnlyList<ResourceStatus> Resources,
    [property: JsonPropertyName("changes")] IReadOnlyList<ResourceChange> Changes);
