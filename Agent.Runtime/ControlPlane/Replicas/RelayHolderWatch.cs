using System.Reactive;
using System.Reactive.Concurrency;
using System.Reactive.Linq;
using Agent.Reactive.Linq;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.ControlPlane.Replicas;

/// <summary>
/// Every interval, reads which live peer replica holds each agent's relay (the database's <c>agent_relays</c>, whose
/// owners count only while they beat) and makes this replica show that: a relay whose replica stopped beating (killed,
/// or cut off from the database) shows disconnected, and one whose replica beats again, or whose announcement was
/// lost, shows connected again. The peers' relay announcements show changes at once; this makes them right within an
/// interval whatever was missed.
/// </summary>
internal static class RelayHolderWatch
{
    /// <summary>One element per check made; a failed check is logged and the next interval tries again. Never completes.</summary>
    /// <param name="agents">This replica's agents.</param>
    /// <param name="owners">Each agent whose relay a live peer replica (never this one) holds, with that replica.</param>
    /// <param name="interval">How often (the heartbeat interval).</param>
    /// <param name="scheduler">The timer's clock.</param>
    /// <param name="logger">Where failures and relays gone are logged.</param>
    public static IObservable<Unit> Checks(
        IReadOnlyList<ControlPlaneAgent> agents,
        Func<CancellationToken, Task<IReadOnlyDictionary<string, Guid>>> owners,
        TimeSpan interval,
        IScheduler scheduler,
        ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(agents);
        ArgumentNullException.ThrowIfNull(owners);
        ArgumentNullException.ThrowIfNull(scheduler);
        ArgumentNullException.ThrowIfNull(logger);
        return Observable.Interval(interval, scheduler)
            .ExhaustMap(_ => AgentObservable.FromTask(owners, scheduler)
                .Select(held =>
                {
                    foreach (var agent in agents)
                    {
                        if (held.TryGetValue(agent.Name, out var owner))
                        {
                            agent.RemoteRelayHeld(owner);
                        }
                        else if (agent.RemoteRelayHolder() is { } holder)
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
