using Agent.Reactive.Protocol;
using Agent.Runtime.Http;
using Microsoft.AspNetCore.Http;

namespace Agent.Runtime.ControlPlane;

/// <summary>
/// The user API's logs per source: <c>GET {name}/log-sources</c> (the manifest's log sources and the old scripts',
/// with their line counts) and <c>GET {name}/logs?source=ID</c> (one source's lines, oldest first).
/// </summary>
internal static class LogEndpoints
{
    public static Task GetSourcesAsync(HttpContext context, ControlPlaneAgent agent)
    {
        var counts = agent.LogCounts();
        IReadOnlyList<LogSourceEntry> sources = [.. LogSourceKeys.Of(agent.Manifest)
            .Select(source => new LogSourceEntry(source.Id, source.DisplayName, source.Icon, counts.GetValueOrDefault(LogSources.KeyOf(source.Id))))];
        return ApiResponses.WriteJsonAsync(context, sources, ControlPlaneJsonContext.Default.IReadOnlyListLogSourceEntry);
    }

    public static Task GetLogsAsync(HttpContext context, ControlPlaneAgent agent)
    {
        var text = context.Request.Query["source"].ToString();
        if (!Guid.TryParse(text, out var id) || !LogSourceKeys.Of(agent.Manifest).Any(source => source.Id == id))
        {
            return ApiResponses.WriteErrorAsync(
                context, StatusCodes.Status400BadRequest, "Invalid log source.", "source must be the id of one of the agent's log sources (see log-sources)");
        }

        return ApiResponses.WriteJsonAsync(context, agent.Logs(LogSources.KeyOf(id)), ControlPlaneJsonContext.Default.IReadOnlyListStartupLog);
    }
}
