using System.Text.Json.Serialization;

namespace Agent.Reactive.Protocol;

/// <summary>The body of <c>POST me/recordings</c>: a PTY session's recording begins.</summary>
/// <param name="Kind">What is recorded: <c>ssh</c> (an SSH session with a PTY) or <c>terminal</c> (the web terminal).</param>
/// <param name="Who">Who runs it, as the agent knows: the SSH user and client address, or the terminal's reconnect ID.</param>
/// <param name="StartedAt">When the session started.</param>
/// <param name="Width">The terminal's width in cells at the start.</param>
/// <param name="Height">The terminal's height in cells at the start.</param>
public sealed record RecordingStartRequest(
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("who")] string Who,
    [property: JsonPropertyName("started_at")] DateTimeOffset StartedAt,
    [property: JsonPropertyName("width")] int Width,
    [property: JsonPropertyName("height")] int Height);
