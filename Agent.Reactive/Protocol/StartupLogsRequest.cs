using System.Text.Json.Serialization;

namespace Agent.Reactive.Protocol;

/// <summary>
/// <c>PATCH me/startup-logs</c>. <see cref="LogSource"/> is our addition (<c>startup</c> or <c>shutdown</c>);
/// Coder's server ignores it and stores every line as a startup log.
/// </summary>
public sealed record StartupLogsRequest(
    [property: JsonPropertyName("logs")] IReadOnlyList<StartupLog> Logs,
    [property: JsonPropertyName("log_source")] string LogSource = LogSources.Startup);
