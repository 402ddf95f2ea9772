using System.Text.Json.Serialization;

namespace Agent.Runtime.Speedtest;

/// <summary>
/// The server's answer to the config, followed by a newline: <c>{}</c> to go ahead, or <c>{"error":"…"}</c>
/// (Go's <c>omitempty</c>), after which the server ends the stream.
/// </summary>
public sealed record SpeedtestConfigResponse(
    [property: JsonPropertyName("error"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Error = null)
{
    /// <summary>The go-ahead, <c>{}</c>.</summary>
    public static SpeedtestConfigResponse Ok { get; } = new();
}
