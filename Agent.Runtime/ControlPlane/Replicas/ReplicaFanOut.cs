using System.Reactive.Disposables;
using System.Reactive.Linq;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.ControlPlane.Replicas;

/// <summary>
/// Every replica shows every agent, live: what this replica's agents report goes out on the database's channel
/// (<see cref="ReplicaOutbox"/>), what the peers' agents report comes in (<see cref="ReplicaReceiver"/>), and relays
/// held by replicas that stopped beating show disconnected (<see cref="RelayHolderWatch"/>). Only on a database with
/// a channel (PostgreSQL); disposing stops all three.
/// </summary>
public sealed class ReplicaFanOut : IAsyncDisposable
{
    /// <summary>Bytes of changes that may wait for the sending connection.</summary>
    public const long MaxQueueBytes = 8 << 20;

    private readonly ReplicaOutbox _outbox;
    private readonly IDisposable _running;

    private ReplicaFanOut(ReplicaOutbox outbox, IDisposable running)
    {
        _outbox = outbox;
        _running = running;
    }

    /// <summary>Starts sending, listening and watching.</summary>
    /// <param name="store">This replica's agents.</param>
    /// <param name="options">The agent timeout ("seen" goes out four times per timeout), the heartbeat interval, the clock.</param>
    /// <param name="self">This replica's id.</param>
    /// <param name="channel">The database's channel.</param>
    /// <param name="reload">Reads one agent from the database into it (<c>false</c>: skipped).</param>
    /// <param name="relayOwners">Each agent whose relay a live peer replica holds, with that replica.</param>
    /// <param name="logger">Where it all logs.</param>
    public static ReplicaFanOut Start(
        ControlPlaneStore store,
        ControlPlaneOptions options,
        Guid self,
        IReplicaChannel channel,
        Func<ControlPlaneAgent, CancellationToken, Task<bool>> reload,
        Func<CancellationToken, Task<IReadOnlyDictionary<string, Guid>>> relayOwners,
        ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(reload);
        ArgumentNullException.ThrowIfNull(relayOwners);
        ArgumentNullException.ThrowIfNull(logger);
        var outbox = new ReplicaOutbox(self, channel, MaxQueueBytes, options.AgentTimeout / 4, options.Scheduler, logger);
        var running = new CompositeDisposable(
            store.Agents.Select(agent => agent.Changes).Merge().Subscribe(outbox.Post));
        running.Add(new ReplicaReceiver(store, self, ReplicaListener.Payloads(channel, ReplicaListener.Backoff, options.Scheduler, logger), reload, options.Scheduler, logger));
        running.Add(RelayHolderWatch.Checks(store.Agents, relayOwners, options.ReplicaHeartbeatInterval, options.Scheduler, logger).Subscribe());
        logger.FanOutStarted(self, store.Agents.Count);
        return new ReplicaFanOut(outbox, running);
    }

    public async ValueTask DisposeAsync()
    {
        _running.Dispose();
        await _outbox.DisposeAsync();
    }
}
