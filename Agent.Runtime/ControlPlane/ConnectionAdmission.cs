using Agent.Runtime.Http;
using Agent.Runtime.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.ControlPlane;

/// <summary>
/// One connection's place in the budgets: unauthenticated (<see cref="ConnectionBudget"/>) until its first request with a
/// valid token, then counted under that agent token, the users' pool or the replicas' pool (<see cref="TokenConnections"/>) until it closes.
/// A request whose class is full is answered 503 with <c>Retry-After</c> and its connection closed.
/// </summary>
internal sealed class ConnectionAdmission : IDisposable
{
    /// <summary>Seconds a refused client is asked to wait.</summary>
    public const string RetryAfterSeconds = "5";

    private readonly Lock _gate = new();
    private readonly ConnectionBudget.Lease _unauthenticated;
    private readonly Shared _shared;
    private IDisposable? _slot;
    private bool _closed;

    public ConnectionAdmission(ConnectionBudget.Lease unauthenticated, Shared shared)
    {
        _unauthenticated = unauthenticated;
        _shared = shared;
    }

    /// <summary>Counts the request's connection under agent <paramref name="token"/>; answers 503 and returns false when over budget.</summary>
    public static async Task<bool> AdmitAgentAsync(HttpContext context, Guid token, string agentName)
    {
        var admission = context.Features.Get<ConnectionAdmission>();
        if (admission is null)
            return true;
        var held = 0;
        if (admission.TryTake(() => admission._shared.Budget.TryAdmitAgent(token, out held)))
            return true;
        var budget = admission._shared.Budget;
        if (admission._shared.AgentWarnings.TryEnter(out var suppressed))
            TokenConnectionsLog.AgentRefused(admission._shared.Logger, agentName, held, budget.AgentCount, budget.UserCount, suppressed + 1);
        await RefuseAsync(context, "Too many connections of this agent or of all agents.");
        return false;
    }

    /// <summary>Counts the request's connection in the users' pool; answers 503 and returns false when it is full.</summary>
    public static async Task<bool> AdmitUserAsync(HttpContext context)
    {
        var admission = context.Features.Get<ConnectionAdmission>();
        if (admission is null || admission.TryTake(admission._shared.Budget.TryAdmitUser))
            return true;
        var budget = admission._shared.Budget;
        if (admission._shared.UserWarnings.TryEnter(out var suppressed))
            TokenConnectionsLog.UserRefused(admission._shared.Logger, budget.AgentCount, budget.UserCount, suppressed + 1);
        await RefuseAsync(context, "Too many connections of users.");
        return false;
    }

    /// <summary>Counts the request's connection in the replicas' pool; answers 503 and returns false when it is full.</summary>
    public static async Task<bool> AdmitReplicaAsync(HttpContext context)
    {
        var admission = context.Features.Get<ConnectionAdmission>();
        if (admission is null || admission.TryTake(admission._shared.Budget.TryAdmitReplica))
            return true;
        if (admission._shared.ReplicaWarnings.TryEnter(out var suppressed))
            admission._shared.Logger.ReplicaConnectionsFull(admission._shared.Budget.ReplicaCount, suppressed + 1);
        await RefuseAsync(context, "Too many connections of replicas.");
        return false;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _closed = true;
            _slot?.Dispose();
        }

        _unauthenticated.Dispose();
    }

    private static Task RefuseAsync(HttpContext context, string message)
    {
        context.Response.Headers.RetryAfter = RetryAfterSeconds;
        context.Response.Headers.Connection = "close";
        return ApiResponses.WriteErrorAsync(context, StatusCodes.Status503ServiceUnavailable, message, $"Retry in {RetryAfterSeconds} seconds.");
    }

    /// <summary>Takes a slot for this connection at its first authenticated request; later requests keep it.</summary>
    private bool TryTake(Func<IDisposable?> take)
    {
        lock (_gate)
        {
            if (_slot is not null)
                return true;
            if (_closed)
                return false;
            _slot = take();
            if (_slot is null)
                return false;
        }

        _unauthenticated.Authenticated();
        return true;
    }

    /// <summary>What every connection's admission shares: the budgets and a throttled warning per class.</summary>
    internal sealed record Shared(TokenConnections Budget, ILogger Logger, LogThrottle AgentWarnings, LogThrottle UserWarnings, LogThrottle ReplicaWarnings);
}
