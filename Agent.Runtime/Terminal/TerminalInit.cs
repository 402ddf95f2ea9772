using System.Text.Json.Serialization;

namespace Agent.Runtime.Terminal;

/// <summary>
/// The init frame's JSON (Coder's <c>WorkspaceAgentReconnectingPTYInit</c>, a Go struct without tags, so the keys
/// are the Go field names).
/// </summary>
public sealed record TerminalInit
{
    [JsonPropertyName("ID")]
    public string Id { get; init; } = string.Empty;

    [JsonPropertyName("Height")]
    public ushort Height { get; init; }

    [JsonPropertyName("Width")]
    public ushort Width { get; init; }

    [JsonPropertyName("Command")]
    public string Command { get; init => field = value ?? string.Empty; } = string.Empty;
}
