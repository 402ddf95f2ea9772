using System.Reactive;
using System.Reactive.Concurrency;
using System.Reactive.Linq;
using Agent.Reactive.Linq;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.ControlPlane.Persistence;

/// <summary>A replica's heartbeat in the database, which keeps it (and the relays it holds) alive to its peers.</summary>
internal static class ReplicaHeartbeat
{
    /// <summary>
    /// An <paramref name="interval"/> after the previous heartbeat completed, the next: a failure is logged and the next tick tries again
    /// (past the peers' timeout the replica counts as gone, and its relays with it); a row that is gone (removed by an
    /// operator, or the database restored) is registered again. Produces once per heartbeat written; never completes.
    /// </summary>
    public static IObservable<Unit> Beats(IReplicaStore store, ReplicaIdentity self, TimeSpan interval, IScheduler scheduler, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(self);
        ArgumentNullException.ThrowIfNull(scheduler);
        ArgumentNullException.ThrowIfNull(logger);
        return Observable.Timer(interval, scheduler)
            .SelectMany(_ => AgentObservable.FromTask(cancellationToken => BeatAsync(store, self, logger, cancellationToken), scheduler))
            .Repeat();
    }

    private static async Task<Unit> BeatAsync(IReplicaStore store, ReplicaIdentity self, ILogger logger, CancellationToken cancellationToken)
    {
        try
        {
            if (!await store.HeartbeatAsync(self.Id, cancellationToken).ConfigureAwait(false))
            {
                await store.RegisterAsync(self, cancellationToken).ConfigureAwait(false);
                logger.ReplicaRegisteredAgain(self.Id, self.Address);
            }
        }
        catch (ControlPlaneDatabaseException ex)
        {
            logger.ReplicaHeartbeatFailed(self.Id, ex.Message);
        }

        return Unit.Default;
    }
}
