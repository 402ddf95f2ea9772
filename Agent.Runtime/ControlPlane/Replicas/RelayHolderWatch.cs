using System.Reactive;
using System.Reactive.Concurrency;
using System.Reactive.Linq;
using Agent.Reactive.Linq;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.ControlPlane.Replicas;

/// <summary>
/// Every interval, while some agent's relay is held by a peer replica, asks which replicas are live: a relay whose
/// replica stopped beating (killed, or cut off from the database) shows disconnected here.
/// </summary>
internal static class RelayHolderWatch
{
    /// <summary>One element per check made; a failed check is logged and the next interval tries again. Never completes.</summary>
    /// <param name="agents">This replica's agents.</param>
    /// <param name="live">The replicas whose heartbeat is younger than the replicas' timeout.</param>
    /// <param name="interval">How often (the heartbeat interval).</param>
    /// <param name="scheduler">The timer's clock.</param>
    /// <param name="logger">Where failures and relays gone are logged.</param>
    public static IObservable<Unit> Checks(
        IReadOnlyList<ControlPlaneAgent> agents,
        Func<CancellationToken, Task<IReadOnlyCollection<Guid>>> live,
        TimeSpan interval,
        IScheduler scheduler,
        ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(agents);
        ArgumentNullException.ThrowIfNull(live);
        ArgumentNullException.ThrowIfNull(scheduler);
        ArgumentNullException.ThrowIfNull(logger);
        return Observable.Interval(interval, scheduler)
            .Where(_ => agents.Any(agent => agent.RemoteRelayHolder() is not null))
            .ExhaustMap(_ => AgentObservable.FromTask(live, scheduler)
                .Select(replicas =>
                {
                    foreach (var agent in agents)
                    {
                        if (agent.RemoteRelayHolder() is { } holder && !replicas.Contains(holder))
                        {
                            logger.RemoteRelayGone(agent.Name, holder);
                            agent.RemoteRelayGone();
                        }
                    }

                    return Unit.Default;
                })
                .Catch((Exception ex) =>
                {
                    logger.LivenessCheckFailed(ex.Message);
                    return Observable.Empty<Unit>();
                }));
    }
}
