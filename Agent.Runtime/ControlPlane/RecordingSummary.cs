using System.Text.Json.Serialization;

namespace Agent.Runtime.ControlPlane;

/// <summary>One session recording as <c>GET /api/v2/workspaceagents/{name}/recordings</c> lists it.</summary>
/// <param name="Id">Its ID (<c>GET .../recordings/{id}</c> is the cast).</param>
/// <param name="Kind"><c>ssh</c> or <c>terminal</c>.</param>
/// <param name="Who">Who ran the session, as the agent said.</param>
/// <param name="StartedAt">When the session started (the agent's clock).</param>
/// <param name="EndedAt">When it ended; <c>null</c> while it runs (or when the agent never said).</param>
/// <param name="Size">Bytes of cast kept.</param>
/// <param name="DroppedBytes">Bytes the agent said it dropped.</param>
public sealed record RecordingSummary(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("who")] string Who,
    [property: JsonPropertyName("started_at")] DateTimeOffset StartedAt,
    [property: JsonPropertyName("ended_at")] DateTimeOffset? EndedAt,
    [property: JsonPropertyName("size")] long Size,
    [property: JsonPropertyName("dropped_bytes")] long DroppedBytes);
