using System.Text.Json.Serialization;

namespace Agent.Runtime.ControlPlane;

/// <summary><c>GET /api/v2/workspaceagents/{name}/stats</c>: the last hour, one point per minute with a report, oldest first.</summary>
public sealed record StatsHistoryResponse(
    [property: JsonPropertyName("bucket_seconds")] int BucketSeconds,
    [property: JsonPropertyName("points")] IReadOnlyList<StatsPoint> Points);
