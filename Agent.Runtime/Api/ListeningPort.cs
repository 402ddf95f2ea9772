using System.Text.Json.Serialization;

namespace Agent.Runtime.Api;

/// <summary>A TCP port some workspace process listens on (Coder's <c>WorkspaceAgentListeningPort</c>).</summary>
/// <param name="ProcessName">The listening process's name (<c>/proc/PID/comm</c>); empty when it could not be learned.</param>
/// <param name="Network">Always <c>tcp</c>.</param>
/// <param name="Port">The port.</param>
public sealed record ListeningPort(
    [property: JsonPropertyName("process_name")] string ProcessName,
    [property: JsonPropertyName("network")] string Network,
    [property: JsonPropertyName("port")] int Port);
