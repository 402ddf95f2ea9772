using System.Text.Json.Serialization;

namespace Agent.Reactive.Protocol;

/// <summary><c>PATCH me/logs</c> (Coder's later <c>agentsdk.PatchLogs</c>): lines of one log source.</summary>
public sealed record LogsRequest(
    [property: JsonPropertyName("log_source_id")] Guid LogSourceId,
    [property: JsonPropertyName("logs")] IReadOnlyList<StartupLog> Logs);
