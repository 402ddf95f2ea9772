using Agent.Reactive.Protocol;
using Agent.Runtime.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.ControlPlane;

/// <summary>The agent's log reports: <c>PATCH me/startup-logs</c> (the old scripts) and <c>PATCH me/logs</c> (a log source).</summary>
internal sealed partial class AgentApiEndpoints
{
    private static readonly HashSet<string> LogLevels = new(StringComparer.Ordinal) { string.Empty, "trace", "debug", "info", "warn", "error" };

    private async Task PatchLogsAsync(HttpContext context, ControlPlaneAgent agent)
    {
        var request = await ApiResponses.ReadJsonAsync(context, AgentJsonContext.Default.StartupLogsRequest);
        if (request is null)
            return;
        if (request.Logs is null || request.Logs.Count == 0)
        {
            await ApiResponses.WriteErrorAsync(context, StatusCodes.Status400BadRequest, "No logs provided.");
            return;
        }

        var source = string.IsNullOrEmpty(request.LogSource) ? LogSources.Startup : request.LogSource;
        if (source is not (LogSources.Startup or LogSources.Shutdown))
        {
            await ApiResponses.WriteErrorAsync(context, StatusCodes.Status400BadRequest, "Invalid log source provided.", $"log_source must be \"{LogSources.Startup}\" or \"{LogSources.Shutdown}\"");
            return;
        }

        await TakeLogsAsync(context, agent, source, request.Logs);
    }

    // PATCH me/logs (Coder's later PatchLogs): lines of one of the manifest's log sources, kept under its id.
    private async Task PatchSourceLogsAsync(HttpContext context, ControlPlaneAgent agent)
    {
        var request = await ApiResponses.ReadJsonAsync(context, AgentJsonContext.Default.LogsRequest);
        if (request is null)
            return;
        if (request.Logs is null || request.Logs.Count == 0)
        {
            await ApiResponses.WriteErrorAsync(context, StatusCodes.Status400BadRequest, "No logs provided.");
            return;
        }

        if (!LogSourceKeys.Of(agent.Manifest).Any(source => source.Id == request.LogSourceId))
        {
            await ApiResponses.WriteErrorAsync(context, StatusCodes.Status400BadRequest, "Invalid log source provided.", $"log_source_id {request.LogSourceId:D} is not one of the manifest's log_sources");
            return;
        }

        await TakeLogsAsync(context, agent, LogSources.KeyOf(request.LogSourceId), request.Logs);
    }

    // Both PATCHes: checks the levels, keeps the batch in the database and takes it under the per-agent caps (else 413).
    private async Task TakeLogsAsync(HttpContext context, ControlPlaneAgent agent, string source, IReadOnlyList<StartupLog> received)
    {
        var logs = new List<StartupLog>(received.Count);
        foreach (var log in received)
        {
            if (log is null || !LogLevels.Contains(log.Level ?? string.Empty))
            {
                await ApiResponses.WriteErrorAsync(context, StatusCodes.Status400BadRequest, "Invalid log level provided.", "level must be one of trace, debug, info, warn, error or empty");
                return;
            }

            logs.Add(log with { Output = log.Output ?? string.Empty, Level = log.Level ?? string.Empty });
        }

        var taken = false;
        if (!await KeptAsync(context, agent, $"{source} logs", async cancellation => taken = await agent.AppendLogsAsync(source, logs, cancellation)))
            return;
        if (!taken)
        {
            _logger.LogsRefused(agent.Name, source, ControlPlaneAgent.MaxLogBytes);
            await ApiResponses.WriteErrorAsync(
                context,
                StatusCodes.Status413PayloadTooLarge,
                "Startup logs limit exceeded",
                $"the logs of an agent are limited to {ControlPlaneAgent.MaxLogBytes} bytes and {ControlPlaneAgent.MaxLogLines} lines");
            return;
        }

        await ApiResponses.WriteNullAsync(context);
    }
}
