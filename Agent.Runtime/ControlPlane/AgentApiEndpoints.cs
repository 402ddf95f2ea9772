using System.Text.RegularExpressions;
using Agent.Reactive.Protocol;
using Agent.Runtime.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.ControlPlane;

/// <summary>
/// The agent side of the API (<c>/api/v2/workspaceagents/me/...</c>), with Coder's status codes. Every
/// authenticated call, even a refused one, counts as a sign of life of the agent. Startup, lifecycle and log reports
/// are answered 2xx only once kept in the database; one that cannot be kept is answered 503 and not taken.
/// </summary>
internal sealed partial class AgentApiEndpoints
{
    private const int MaxVersionLength = 256;

    private readonly ControlPlaneStore _store;
    private readonly ControlPlaneOptions _options;
    private readonly ILogger _logger;
    private readonly RelayEndpoint _relay;

    public AgentApiEndpoints(ControlPlaneStore store, ControlPlaneOptions options, ILogger logger, RelayEndpoint relay)
    {
        _store = store;
        _options = options;
        _logger = logger;
        _relay = relay;
    }

    public void Map(IEndpointRouteBuilder routes)
    {
        var me = routes.MapGroup("/api/v2/workspaceagents/me");
        me.MapGet("/manifest", Authenticated(GetManifestAsync));
        me.MapGet("/metadata", Authenticated(GetManifestAsync)); // Coder's legacy name of the manifest.
        me.MapPost("/startup", Authenticated(PostStartupAsync));
        me.MapPost("/report-lifecycle", Authenticated(PostLifecycleAsync));
        me.MapMethods("/startup-logs", [HttpMethods.Patch], Authenticated(PatchLogsAsync));
        me.MapMethods("/logs", [HttpMethods.Patch], Authenticated(PatchSourceLogsAsync));
        me.MapPost("/metadata/{key}", Authenticated(PostMetadataAsync));
        me.MapPost("/app-health", Authenticated(PostAppHealthAsync));
        me.MapPost("/report-stats", Authenticated(PostStatsAsync));
        me.MapGet("/relay", Authenticated(_relay.ServeAsync));
        me.MapGet("/gitsshkey", Authenticated(GetGitSshKeyAsync));
        me.MapGet("/gitauth", Authenticated(GetGitAuthAsync));
        me.MapPost("/resources-monitoring", Authenticated(ResourcesEndpoints.PostAsync));
        new ConnectionsEndpoints(_store, _logger).Map(routes, me, Authenticated);
        new RecordingsEndpoints(_options.Recordings, _logger).MapAgent(me, Authenticated);
    }

    [GeneratedRegex(
        @"^v?(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$",
        RegexOptions.CultureInvariant)]
    private static partial Regex SemanticVersion();

    private static Task GetManifestAsync(HttpContext context, ControlPlaneAgent agent)
        => ApiResponses.WriteJsonAsync(context, agent.Manifest, AgentJsonContext.Default.Manifest);

    private static async Task PostAppHealthAsync(HttpContext context, ControlPlaneAgent agent)
    {
        var request = await ApiResponses.ReadJsonAsync(context, AgentJsonContext.Default.AppHealthRequest);
        if (request is null)
            return;
        if (request.Healths is null || request.Healths.Count == 0)
        {
            await ApiResponses.WriteErrorAsync(context, StatusCodes.Status400BadRequest, "Health field is empty");
            return;
        }

        foreach (var (id, health) in request.Healths)
        {
            var app = agent.Manifest.Apps.FirstOrDefault(candidate => candidate.Id == id);
            if (app is null)
            {
                await ApiResponses.WriteErrorAsync(context, StatusCodes.Status404NotFound, "Error setting workspace app health", $"workspace app {id} not found");
                return;
            }

            if (string.IsNullOrEmpty(app.Healthcheck.Url))
            {
                await ApiResponses.WriteErrorAsync(context, StatusCodes.Status404NotFound, "Error setting workspace app health", $"health checking is disabled for workspace app {id}");
                return;
            }

            if (health is not (AppHealth.Initializing or AppHealth.Healthy or AppHealth.Unhealthy))
            {
                await ApiResponses.WriteErrorAsync(context, StatusCodes.Status400BadRequest, "Error setting workspace app health", $"workspace app health {health.ToString().ToLowerInvariant()} is not a valid value");
                return;
            }
        }

        agent.ReportAppHealth(request.Healths);
        await ApiResponses.WriteNullAsync(context);
    }

    private RequestDelegate Authenticated(Func<HttpContext, ControlPlaneAgent, Task> handler)
        => async context =>
        {
            var token = SessionTokens.Find(context.Request);
            if (!Guid.TryParse(token, out var id))
            {
                var detail = token is null
                    ? $"Send the agent token in the {SessionTokenHeader.Name} header or the {SessionTokens.CookieOrQueryName} query parameter."
                    : "The agent token must be a UUID.";
                await ApiResponses.WriteErrorAsync(context, StatusCodes.Status401Unauthorized, "Workspace agent token invalid.", detail);
                return;
            }

            var agent = _store.FindByToken(id);
            if (agent is null)
            {
                await ApiResponses.WriteErrorAsync(context, StatusCodes.Status401Unauthorized, "Workspace agent not authorized.");
                return;
            }

            if (!await ConnectionAdmission.AdmitAgentAsync(context, id, agent.Name))
                return;

            agent.Touch();
            await handler(context, agent);
        };

    /// <summary>Runs a durable report; <c>false</c> after answering 503 when the database could not keep it.</summary>
    private async Task<bool> KeptAsync(HttpContext context, ControlPlaneAgent agent, string what, Func<CancellationToken, Task> report)
    {
        try
        {
            await report(context.RequestAborted);
            return true;
        }
        catch (AgentJournalException ex)
        {
            _logger.ReportNotKept(agent.Name, what, ex.Message);
            await ApiResponses.WriteErrorAsync(context, StatusCodes.Status503ServiceUnavailable, "The control plane could not store the report.", ex.Message);
            return false;
        }
    }

    private async Task PostStartupAsync(HttpContext context, ControlPlaneAgent agent)
    {
        var request = await ApiResponses.ReadJsonAsync(context, AgentJsonContext.Default.StartupRequest);
        if (request is null)
            return;
        var version = request.Version ?? string.Empty;
        if (version.Length > MaxVersionLength || !SemanticVersion().IsMatch(version))
        {
            await ApiResponses.WriteErrorAsync(
                context,
                StatusCodes.Status400BadRequest,
                "Invalid workspace agent version provided.",
                $"version \"{version[..Math.Min(version.Length, 64)]}\" is not a semantic version (vX.Y.Z)");
            return;
        }

        var startup = new StartupRequest(version, request.ExpandedDirectory ?? string.Empty, request.Subsystem ?? string.Empty, request.SshHostKeys);
        if (await KeptAsync(context, agent, "startup report", cancellation => agent.ReportStartupAsync(startup, cancellation)))
            await ApiResponses.WriteNullAsync(context);
    }

    private async Task PostLifecycleAsync(HttpContext context, ControlPlaneAgent agent)
    {
        var report = await ApiResponses.ReadJsonAsync(context, AgentJsonContext.Default.LifecycleReport);
        if (report is null)
            return;
        if (await KeptAsync(context, agent, "lifecycle report", cancellation => agent.ReportLifecycleAsync(report, cancellation)))
            ApiResponses.WriteNoContent(context);
    }

    private async Task PostMetadataAsync(HttpContext context, ControlPlaneAgent agent)
    {
        var key = context.Request.RouteValues["key"] as string ?? string.Empty;
        var result = await ApiResponses.ReadJsonAsync(context, AgentJsonContext.Default.MetadataResult);
        if (result is null)
            return;

        // Like Coder, a key the manifest does not list is accepted and dropped.
        if (!agent.ReportMetadata(key, result))
            _logger.MetadataKeyDropped(agent.Name, key);
        ApiResponses.WriteNoContent(context);
    }

    private async Task PostStatsAsync(HttpContext context, ControlPlaneAgent agent)
    {
        var stats = await ApiResponses.ReadJsonAsync(context, AgentJsonContext.Default.Stats);
        if (stats is null)
            return;
        agent.ReportStats(stats);
        await ApiResponses.WriteJsonAsync(context, new StatsResponse(_options.StatsInterval), AgentJsonContext.Default.StatsResponse);
    }
}
