using System.Text.Json.Serialization;

namespace Agent.Runtime.Terminal;

/// <summary>One client request after the init frame (Coder's <c>ReconnectingPTYRequest</c>): keystrokes and/or a resize.</summary>
public sealed record TerminalRequest
{
    [JsonPropertyName("data")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Data { get; init; }

    [JsonPropertyName("height")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public ushort Height { get; init; }

    [JsonPropertyName("width")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public ushort Width { get; init; }
}
