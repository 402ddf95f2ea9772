using System.Collections.Frozen;
using System.Net.Http.Json;
using Agent.Runtime.Api;
using Agent.Runtime.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Agent.Runtime.ControlPlane;

/// <summary>
/// <c>GET /api/v2/workspaceagents/{name}/listening-ports</c> (user token): asks the agent's HTTP API (port 4, through
/// the relay) and leaves out the ports Coder never shows (well-known system and database ports).
/// </summary>
internal sealed class ListeningPortsEndpoint
{
    /// <summary>Coder's <c>WorkspaceAgentIgnoredListeningPorts</c>.</summary>
    public static readonly FrozenSet<int> IgnoredPorts = new[]
    {
        0, 1, 2, 3, 4, 5, 6, 7, 8, 20, 21, 22, 23, 25, 53, 110, 143, 179, 389, 636, 465, 587, 989, 990, 993, 995,
        3306, 3389, 5432, 27017, 27018, 27019, 28017,
    }.ToFrozenSet();

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private readonly ControlPlaneStore _store;
    private readonly RelayHub _hub;

    public ListeningPortsEndpoint(ControlPlaneStore store, RelayHub hub)
    {
        _store = store;
        _hub = hub;
    }

    public void Map(IEndpointRouteBuilder routes) => routes.MapGet("/api/v2/workspaceagents/{name}/listening-ports", ServeAsync);

    private async Task ServeAsync(HttpContext context)
    {
        var agent = await UserAccess.FindAgentAsync(context, _store);
        if (agent is null)
            return;

        using var client = _hub.ApiClient(agent.Name, Timeout);
        ListeningPortsResponse? answer;
        try
        {
            using var response = await client.GetAsync(new Uri("http://agent/api/v0/listening-ports"), context.RequestAborted);
            if (!response.IsSuccessStatusCode)
            {
                await ApiResponses.WriteErrorAsync(context, StatusCodes.Status502BadGateway, "The agent could not list its listening ports.", $"HTTP {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(context.RequestAborted)}");
                return;
            }

            answer = await response.Content.ReadFromJsonAsync(AgentApiJsonContext.Default.ListeningPortsResponse, context.RequestAborted);
        }
        catch (HttpRequestException e) when (e.InnerException is RelayOpenException relay)
        {
            await ConnectEndpoint.WriteErrorAsync(context, relay.StatusCode, relay.Message);
            return;
        }
        catch (Exception e) when (e is HttpRequestException or System.Text.Json.JsonException or TaskCanceledException && !context.RequestAborted.IsCancellationRequested)
        {
            await ApiResponses.WriteErrorAsync(context, StatusCodes.Status502BadGateway, "The agent could not list its listening ports.", e.Message);
            return;
        }

        var ports = (answer?.Ports ?? []).Where(port => !IgnoredPorts.Contains(port.Port)).ToList();
        await ApiResponses.WriteJsonAsync(context, new ListeningPortsResponse(ports), AgentApiJsonContext.Default.ListeningPortsResponse);
    }
}
