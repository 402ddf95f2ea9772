using Agent.Reactive.Protocol;
using Agent.Runtime.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.ControlPlane;

/// <summary>
/// Session recordings. The agent's side (<c>me/recordings</c>): start (201 with the ID), chunks (204; 413 past the
/// recording's cap or for a chunk too large; 404 for a recording that is not the agent's or was dropped; 409 after its
/// end), end (204). The user's side: <c>{name}/recordings</c> (the list, newest first) and <c>{name}/recordings/{id}</c>
/// (the asciicast v2 file as a download). Bounded by <see cref="ControlPlaneOptions.Recordings"/>; a database failure
/// is a 503 and keeps nothing.
/// </summary>
internal sealed class RecordingsEndpoints(RecordingCaps caps, ILogger logger)
{
    private const int MaxDimension = 10_000;

    /// <summary>Maps the agent's side on <paramref name="me"/>, each call through <paramref name="authenticated"/>.</summary>
    public void MapAgent(IEndpointRouteBuilder me, Func<Func<HttpContext, ControlPlaneAgent, Task>, RequestDelegate> authenticated)
    {
        me.MapPost("/recordings", authenticated(StartAsync));
        me.MapPost("/recordings/{id}/chunks", authenticated(AppendAsync));
        me.MapPost("/recordings/{id}/end", authenticated(EndAsync));
    }

    /// <summary>Maps the user's side on <paramref name="agent"/> (<c>/api/v2/workspaceagents/{name}</c>), each call through <paramref name="authorized"/>.</summary>
    public void MapUser(IEndpointRouteBuilder agent, Func<Func<HttpContext, ControlPlaneAgent, Task>, RequestDelegate> authorized)
    {
        agent.MapGet("/recordings", authorized(ListAsync));
        agent.MapGet("/recordings/{id}", authorized(DownloadAsync));
    }

    private static string Id(HttpContext context) => context.Request.RouteValues["id"] as string ?? string.Empty;

    private async Task StartAsync(HttpContext context, ControlPlaneAgent agent)
    {
        var request = await ApiResponses.ReadJsonAsync(context, AgentJsonContext.Default.RecordingStartRequest);
        if (request is null)
            return;
        if (request.Kind is not ("ssh" or "terminal"))
        {
            await ApiResponses.WriteErrorAsync(context, StatusCodes.Status400BadRequest, "A recording's kind is \"ssh\" or \"terminal\".");
            return;
        }

        if (request.Width is < 1 or > MaxDimension || request.Height is < 1 or > MaxDimension)
        {
            await ApiResponses.WriteErrorAsync(context, StatusCodes.Status400BadRequest, $"A recording's width and height are 1 to {MaxDimension}.");
            return;
        }

        if (caps.PerAgent < 1)
        {
            logger.RecordingRefused(agent.Name, "this control plane keeps no recordings");
            await ApiResponses.WriteErrorAsync(context, StatusCodes.Status403Forbidden, "This control plane keeps no session recordings.");
            return;
        }

        var who = request.Who ?? string.Empty;
        request = request with { Who = who.Length > caps.MaxWhoLength ? who[..caps.MaxWhoLength] : who };
        await StoreAsync(context, agent, "start", async () =>
        {
            var id = await agent.Journal.Recordings.StartAsync(agent.Name, request, caps, context.RequestAborted);
            context.Response.StatusCode = StatusCodes.Status201Created;
            await context.Response.WriteAsJsonAsync(new RecordingStartResponse(id), AgentJsonContext.Default.RecordingStartResponse, contentType: null, context.RequestAborted);
        });
    }

    private async Task AppendAsync(HttpContext context, ControlPlaneAgent agent)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = caps.MaxChunkBytes;
        var chunk = await ApiResponses.ReadJsonAsync(context, AgentJsonContext.Default.RecordingChunkRequest);
        if (chunk is null)
            return;
        var id = Id(context);
        await StoreAsync(context, agent, "chunk", async () =>
        {
            switch (await agent.Journal.Recordings.AppendAsync(agent.Name, id, chunk.Data ?? string.Empty, caps, context.RequestAborted))
            {
                case RecordingAppend.Appended:
                    ApiResponses.WriteNoContent(context);
                    break;
                case RecordingAppend.Full:
                    logger.RecordingRefused(agent.Name, $"recording {id} reached its cap of {caps.MaxBytes} bytes");
                    await ApiResponses.WriteErrorAsync(context, StatusCodes.Status413PayloadTooLarge, $"The recording reached its cap of {caps.MaxBytes} bytes.");
                    break;
                case RecordingAppend.Ended:
                    await ApiResponses.WriteErrorAsync(context, StatusCodes.Status409Conflict, "The recording has ended.");
                    break;
                default:
                    await ApiResponses.WriteErrorAsync(context, StatusCodes.Status404NotFound, "No such recording.");
                    break;
            }
        });
    }

    private async Task EndAsync(HttpContext context, ControlPlaneAgent agent)
    {
        var end = await ApiResponses.ReadJsonAsync(context, AgentJsonContext.Default.RecordingEndRequest);
        if (end is null)
            return;
        await StoreAsync(context, agent, "end", async () =>
        {
            if (await agent.Journal.Recordings.EndAsync(agent.Name, Id(context), end, context.RequestAborted))
                ApiResponses.WriteNoContent(context);
            else
                await ApiResponses.WriteErrorAsync(context, StatusCodes.Status404NotFound, "No such recording, or it has ended.");
        });
    }

    private Task ListAsync(HttpContext context, ControlPlaneAgent agent)
        => StoreAsync(context, agent, "list", async () =>
            await ApiResponses.WriteJsonAsync(context, await agent.Journal.Recordings.ListAsync(agent.Name, context.RequestAborted), RecordingsJsonContext.Default.IReadOnlyListRecordingSummary));

    private Task DownloadAsync(HttpContext context, ControlPlaneAgent agent)
        => StoreAsync(context, agent, "download", async () =>
        {
            var id = Id(context);
            if (await agent.Journal.Recordings.ReadAsync(agent.Name, id, context.RequestAborted) is not { } found)
            {
                await ApiResponses.WriteErrorAsync(context, StatusCodes.Status404NotFound, "No such recording.");
                return;
            }

            var response = context.Response;
            response.ContentType = "application/x-asciicast";
            response.Headers.ContentDisposition = $"attachment; filename=\"{agent.Name}-{found.Summary.Id}.cast\"";
            response.Headers.CacheControl = "no-store";
            response.ContentLength = found.Summary.Size;
            foreach (var chunk in found.Chunks)
                await response.WriteAsync(chunk, context.RequestAborted);
        });

    private async Task StoreAsync(HttpContext context, ControlPlaneAgent agent, string what, Func<Task> work)
    {
        try
        {
            await work();
        }
        catch (AgentJournalException ex)
        {
            logger.RecordingNotKept(agent.Name, what, ex.Message);
            if (!context.Response.HasStarted)
                await ApiResponses.WriteErrorAsync(context, StatusCodes.Status503ServiceUnavailable, "The control plane could not reach its database for the recording.", ex.Message);
        }
    }
}
