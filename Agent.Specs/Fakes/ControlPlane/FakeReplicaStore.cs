using Agent.Runtime.ControlPlane.Persistence;

namespace Agent.Specs.Fakes.ControlPlane;

/// <summary>An <see cref="IReplicaStore"/> in memory, on <see cref="TimeProvider"/> <c>time</c>'s clock; thread-safe.</summary>
public sealed class FakeReplicaStore(TimeProvider time) : IReplicaStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<Guid, ReplicaRecord> _replicas = [];
    private readonly Dictionary<string, Guid> _relays = new(StringComparer.Ordinal);

    /// <summary>Shared by default, as PostgreSQL's is (replicas in one process can share one fake); <c>false</c> acts as SQLite.</summary>
    public bool IsShared { get; init; } = true;

    /// <summary>How many heartbeats were written.</summary>
    public int Heartbeats { get; private set; }

    public Task RegisterAsync(ReplicaIdentity self, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(self);
        lock (_gate)
            _replicas[self.Id] = new ReplicaRecord(self.Id, self.Address, self.TokenDigest, time.GetUtcNow());
        return Task.CompletedTask;
    }

    public Task<bool> HeartbeatAsync(Guid id, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Heartbeats++;
            if (!_replicas.TryGetValue(id, out var replica))
                return Task.FromResult(false);
            _replicas[id] = replica with { HeartbeatAt = time.GetUtcNow() };
            return Task.FromResult(true);
        }
    }

    public Task UnregisterAsync(Guid id, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _replicas.Remove(id);
            foreach (var agent in _relays.Where(pair => pair.Value == id).Select(pair => pair.Key).ToList())
                _relays.Remove(agent);
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<ReplicaRecord>> LiveAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        lock (_gate)
            return Task.FromResult<IReadOnlyList<ReplicaRecord>>([.. _replicas.Values.Where(r => IsLive(r, timeout)).OrderBy(r => r.Id.ToString("D"), StringComparer.Ordinal)]);
    }

    public Task ClaimRelayAsync(string agent, Guid replica, CancellationToken cancellationToken)
    {
        lock (_gate)
            _relays[agent] = replica;
        return Task.CompletedTask;
    }

    public Task ReleaseRelayAsync(string agent, Guid replica, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_relays.TryGetValue(agent, out var owner) && owner == replica)
                _relays.Remove(agent);
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyDictionary<string, Guid>> RelayOwnersAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyDictionary<string, Guid>>(
                _relays.Where(pair => _replicas.TryGetValue(pair.Value, out var replica) && IsLive(replica, timeout)).ToDictionary(StringComparer.Ordinal));
        }
    }

    public Task<ReplicaRecord?> RelayOwnerAsync(string agent, TimeSpan timeout, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(
                _relays.TryGetValue(agent, out var owner) && _replicas.TryGetValue(owner, out var replica) && IsLive(replica, timeout) ? replica : null);
        }
    }

    private bool IsLive(ReplicaRecord replica, TimeSpan timeout) => replica.HeartbeatAt >= time.GetUtcNow() - timeout;
}
