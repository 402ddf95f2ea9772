using System.Text.Json.Serialization;

namespace Agent.Reactive.Protocol;

/// <summary>The body of <c>POST me/recordings/{id}/end</c>: the session ended.</summary>
/// <param name="EndedAt">When.</param>
/// <param name="DroppedBytes">Bytes of the cast the agent dropped (its queue was full, or the recording reached its cap); each gap is also marked in the cast.</param>
public sealed record RecordingEndRequest(
    [property: JsonPropertyName("ended_at")] DateTimeOffset EndedAt,
    [property: JsonPropertyName("dropped_bytes")] long DroppedBytes);
