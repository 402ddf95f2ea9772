using Agent.Reactive.Protocol;
using Agent.Runtime.Http;
using Agent.Runtime.Relay.Sse;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Agent.Runtime.ControlPlane;

/// <summary>
/// The user side of the API (<c>/api/v2/workspaceagents</c>, the list, and <c>/api/v2/workspaceagents/{name}/...</c>): status, lifecycle history, logs,
/// metadata, the stats of the last hour and the live event stream, and the all-agents stream (<c>/api/v2/workspace/events</c>), for a user token of the workspace file.
/// </summary>
internal sealed class UserApiEndpoints
{
    private readonly ControlPlaneStore _store;
    private readonly ControlPlaneOptions _options;
    private readonly CancellationToken _stopping;
    private readonly WorkspaceSummaries _summaries;

    public UserApiEndpoints(ControlPlaneStore store, ControlPlaneOptions options, CancellationToken stopping)
    {
        _store = store;
        _summaries = new WorkspaceSummaries(store.Agents);
        _options = options;
        _stopping = stopping;
    }

    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/v2/workspaceagents", ListAsync);
        routes.MapGet("/api/v2/workspace/events", WorkspaceEventsAsync).WithMetadata(EventStreamEndpoint.Instance);
        var agent = routes.MapGroup("/api/v2/workspaceagents/{name}");
        agent.MapGet(string.Empty, Authorized((context, found) => ApiResponses.WriteJsonAsync(context, found.Summary(), ControlPlaneJsonContext.Default.AgentSummary)));
        agent.MapGet("/lifecycle", Authorized((context, found) => ApiResponses.WriteJsonAsync(context, found.Lifecycle(), ControlPlaneJsonContext.Default.IReadOnlyListLifecycleReport)));
        agent.MapGet("/startup-logs", Authorized((context, found) => ApiResponses.WriteJsonAsync(context, found.Logs(LogSources.Startup), ControlPlaneJsonContext.Default.IReadOnlyListStartupLog)));
        agent.MapGet("/shutdown-logs", Authorized((context, found) => ApiResponses.WriteJsonAsync(context, found.Logs(LogSources.Shutdown), ControlPlaneJsonContext.Default.IReadOnlyListStartupLog)));
        agent.MapGet("/log-sources", Authorized(LogEndpoints.GetSourcesAsync));
        agent.MapGet("/logs", Authorized(LogEndpoints.GetLogsAsync));
        agent.MapGet("/metadata", Authorized((context, found) => ApiResponses.WriteJsonAsync(context, found.Metadata(), ControlPlaneJsonContext.Default.IReadOnlyListMetadataEntry)));
        agent.MapGet("/stats", Authorized((context, found) => ApiResponses.WriteJsonAsync(context, found.StatsHistory(), ControlPlaneJsonContext.Default.StatsHistoryResponse)));
        agent.MapGet("/resources", Authorized(ResourcesEndpoints.GetAsync));
        agent.MapGet("/events", Authorized((context, found) => AgentEventStream.WriteAsync(context, found.Events, _options.EventQueueBytes, _options.EventPingInterval, _stopping)))
            .WithMetadata(EventStreamEndpoint.Instance);
        new RecordingsEndpoints(_options.Recordings, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance).MapUser(agent, Authorized); // a failed read is the user's 503
    }

    // Every agent of the workspace file, sorted by name (agent config-ssh writes one Host entry each).
    private async Task ListAsync(HttpContext context)
    {
        if (!await UserAccess.IsUserAsync(context, _store))
            return;
        IReadOnlyList<AgentSummary> agents = [.. _store.Agents.Select(agent => agent.Summary()).OrderBy(summary => summary.Name, StringComparer.Ordinal)];
        await ApiResponses.WriteJsonAsync(context, agents, ControlPlaneJsonContext.Default.IReadOnlyListAgentSummary);
    }

    // Every agent's summary sorted by name, then each change; only the newest summary per agent waits for a slow client.
    private async Task WorkspaceEventsAsync(HttpContext context)
    {
        if (!await UserAccess.IsUserAsync(context, _store))
            return;
        await AgentEventStream.WriteAsync(
            context,
            queue => _summaries.Frames.Subscribe(frame => queue.Add(frame.Bytes, frame.Name), _ => queue.Complete(), queue.Complete),
            _options.EventQueueBytes,
            _options.EventPingInterval,
            _stopping);
    }

    private RequestDelegate Authorized(Func<HttpContext, ControlPlaneAgent, Task> handler)
        => async context =>
        {
            if (await UserAccess.FindAgentAsync(context, _store) is { } agent)
                await handler(context, agent);
        };
}
