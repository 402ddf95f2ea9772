using Agent.Reactive.Audit;
using Agent.Reactive.Protocol;
using Agent.Runtime.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.ControlPlane;

/// <summary>
/// Connection reports: the agent's <c>POST /api/v2/workspaceagents/me/connections</c> (at most
/// <see cref="ConnectionReportingLimits.ControlPlaneMaxBodyBytes"/> bytes, 413 past it; a malformed batch is 400 and
/// nothing of it is kept) and the user's <c>GET /api/v2/workspaceagents/{name}/connections</c> (newest first, with their
/// file operations). Accepted reports are kept (the newest <see cref="IConnectionStore.MaxConnectionsPerAgent"/>
/// connections per agent) and told on the agent's event stream.
/// </summary>
internal sealed class ConnectionsEndpoints(ControlPlaneStore store, ILogger logger)
{
    /// <summary>Reports per POST.</summary>
    public const int MaxReports = 1000;

    /// <summary>Longest text fields: what a session ran, and every other one.</summary>
    public const int MaxWhatLength = 8192;

    public const int MaxFieldLength = 1024;

    private static readonly HashSet<string> Types = new(StringComparer.Ordinal)
    {
        ConnectionTypes.Ssh, ConnectionTypes.VsCode, ConnectionTypes.JetBrains, ConnectionTypes.ReconnectingPty, ConnectionTypes.PortForwarding, ConnectionTypes.Relay,
    };

    /// <summary>Maps the agent's POST in <paramref name="me"/> through its <paramref name="authenticated"/> wrapper, and the user's GET.</summary>
    public void Map(IEndpointRouteBuilder routes, RouteGroupBuilder me, Func<Func<HttpContext, ControlPlaneAgent, Task>, RequestDelegate> authenticated)
    {
        me.MapPost("/connections", authenticated(PostAsync));
        routes.MapGet("/api/v2/workspaceagents/{name}/connections", GetAsync);
    }

    /// <summary>Why a report is malformed; <c>null</c> when it is not.</summary>
    internal static string? Invalid(ConnectionReport? report)
    {
        if (report is null || report.Id == Guid.Empty)
            return "every connection needs an id";
        if (report.Action is not (ConnectionActions.Connect or ConnectionActions.Disconnect))
            return $"action must be \"{ConnectionActions.Connect}\" or \"{ConnectionActions.Disconnect}\"";
        if (report.Type is null || !Types.Contains(report.Type))
            return $"type must be one of {string.Join(", ", Types.Order(StringComparer.Ordinal))}";
        if (report.Ip is null || report.User is null || report.Who is null || report.What is null)
            return "ip, user, who and what are required (empty when unknown)";
        if (report.What.Length > MaxWhatLength || Longest(report.Ip, report.User, report.Who, report.Signal, report.Reason) > MaxFieldLength)
            return $"what is limited to {MaxWhatLength} characters, the other fields to {MaxFieldLength}";
        if (report.FileOperationsDropped < 0 || (report.FileOperations is { } operations && operations.Count > FileOperationLog.DefaultCapacity))
            return $"at most {FileOperationLog.DefaultCapacity} file operations per connection";
        foreach (var operation in report.FileOperations ?? [])
        {
            if (operation is null || string.IsNullOrEmpty(operation.Operation) || operation.Path is null || operation.BytesRead < 0 || operation.BytesWritten < 0)
                return "every file operation needs an operation, a path and byte counts of at least 0";
            if (Longest(operation.Operation, operation.Path, operation.Target) > MaxWhatLength)
                return $"file operation fields are limited to {MaxWhatLength} characters";
        }

        return null;
    }

    private static int Longest(params string?[] values) => values.Max(value => value?.Length ?? 0);

    private async Task PostAsync(HttpContext context, ControlPlaneAgent agent)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = ConnectionReportingLimits.ControlPlaneMaxBodyBytes;
        if (context.Request.ContentLength > ConnectionReportingLimits.ControlPlaneMaxBodyBytes)
        {
            await ApiResponses.WriteErrorAsync(context, StatusCodes.Status413PayloadTooLarge, "Connection reports too large.", $"at most {ConnectionReportingLimits.ControlPlaneMaxBodyBytes} bytes per request");
            return;
        }

        var request = await ApiResponses.ReadJsonAsync(context, AuditJsonContext.Default.ConnectionReportsRequest);
        if (request is null)
            return;
        if (request.Connections is null || request.Connections.Count == 0 || request.Connections.Count > MaxReports || request.Dropped < 0)
        {
            await ApiResponses.WriteErrorAsync(context, StatusCodes.Status400BadRequest, "Invalid connection reports.", $"connections must hold 1 to {MaxReports} reports; dropped is at least 0");
            return;
        }

        foreach (var report in request.Connections)
        {
            if (Invalid(report) is { } why)
            {
                await ApiResponses.WriteErrorAsync(context, StatusCodes.Status400BadRequest, "Invalid connection report.", why);
                return;
            }
        }

        try
        {
            await agent.Journal.RecordConnectionsAsync(request.Connections, context.RequestAborted);
        }
        catch (AgentJournalException ex)
        {
            logger.ReportNotKept(agent.Name, "connection reports", ex.Message);
            await ApiResponses.WriteErrorAsync(context, StatusCodes.Status503ServiceUnavailable, "The control plane could not store the report.", ex.Message);
            return;
        }

        if (request.Dropped > 0)
            logger.ConnectionReportsDropped(agent.Name, request.Dropped);
        agent.ReportConnections(request.Connections);
        await ApiResponses.WriteNullAsync(context);
    }

    private async Task GetAsync(HttpContext context)
    {
        if (await UserAccess.FindAgentAsync(context, store) is not { } agent)
            return;
        IReadOnlyList<ConnectionRecord> connections;
        try
        {
            connections = await agent.Journal.ConnectionsAsync(IConnectionStore.MaxConnectionsPerAgent, context.RequestAborted);
        }
        catch (AgentJournalException ex)
        {
            await ApiResponses.WriteErrorAsync(context, StatusCodes.Status503ServiceUnavailable, "The control plane could not read the connections.", ex.Message);
            return;
        }

        await ApiResponses.WriteJsonAsync(context, connections, ConnectionsJsonContext.Default.IReadOnlyListConnectionRecord);
    }
}
