using Agent.Runtime.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.ControlPlane;

/// <summary>
/// The connection middleware that holds each new connection to a <see cref="ConnectionBudget"/> (closing it at once
/// when its source or everyone is at the cap), and the mark an authenticated request leaves on its connection.
/// </summary>
internal static class UnauthenticatedConnections
{
    /// <summary>At most one "refused" warning this often; the others are counted into it.</summary>
    private static readonly TimeSpan WarningEvery = TimeSpan.FromSeconds(10);

    /// <summary>Counts every connection of <paramref name="listen"/> against <paramref name="budget"/> until it authenticates.</summary>
    public static void Apply(ListenOptions listen, ConnectionBudget budget, ILogger logger, TimeProvider time)
    {
        var warnings = new LogThrottle(WarningEvery, time);
        listen.Use(next => async connection =>
        {
            using var lease = budget.TryAdmit(connection.RemoteEndPoint, out var source, out var held);
            if (lease is null)
            {
                if (warnings.TryEnter(out var suppressed))
                    ConnectionLog.Refused(logger, source.ToString(), held, budget.Count, suppressed + 1);

                connection.Abort(new ConnectionAbortedException("too many connections that have not authenticated"));
                return;
            }

            connection.Features.Set(lease);
            await next(connection);
        });
    }

    /// <summary>Takes the request's connection out of the unauthenticated count (a user or agent token was valid).</summary>
    public static void MarkAuthenticated(HttpContext context)
        => context.Features.Get<ConnectionBudget.Lease>()?.Authenticated();
}
