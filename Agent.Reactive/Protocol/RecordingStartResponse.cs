using System.Text.Json.Serialization;

namespace Agent.Reactive.Protocol;

/// <summary>The answer to <c>POST me/recordings</c>: the new recording's ID, which the chunks and the end name.</summary>
public sealed record RecordingStartResponse([property: JsonPropertyName("id")] string Id);
