using System.Text.Json.Serialization;

namespace Agent.Reactive.Protocol;

/// <summary>
/// The body of <c>POST me/recordings/{id}/chunks</c>: the next lines of the asciicast v2 file, whole lines
/// (each ending with <c>\n</c>), in order; the first chunk starts with the header line.
/// </summary>
public sealed record RecordingChunkRequest([property: JsonPropertyName("data")] string Data);
