using Agent.Runtime.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.ControlPlane;

/// <summary>
/// The connection middleware that holds each new connection to a <see cref="ConnectionBudget"/> (closing it at once
/// when its source or everyone is at the cap), then by the token it authenticates with.
/// </summary>
internal static class UnauthenticatedConnections
{
    /// <summary>At most one "refused" warning of a kind this often; the others are counted into it.</summary>
    public static readonly TimeSpan WarningEvery = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Counts every connection of <paramref name="listen"/> against <paramref name="budget"/> until it authenticates,
    /// then against the token budgets of <paramref name="shared"/> (<see cref="ConnectionAdmission"/>).
    /// </summary>
    public static void Apply(ListenOptions listen, ConnectionBudget budget, ConnectionAdmission.Shared shared, ILogger logger, TimeProvider time)
    {
        var warnings = new LogThrottle(WarningEvery, time);
        listen.Use(next => async connection =>
        {
            var lease = budget.TryAdmit(connection.RemoteEndPoint, out var source, out var held);
            if (lease is null)
            {
                if (warnings.TryEnter(out var suppressed))
                    ConnectionLog.Refused(logger, source.ToString(), held, budget.Count, suppressed + 1);

                connection.Abort(new ConnectionAbortedException("too many connections that have not authenticated"));
                return;
            }

            using var admission = new ConnectionAdmission(lease, shared);
            connection.Features.Set(admission);
            await next(connection);
        });
    }
}
