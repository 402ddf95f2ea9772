using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Agent.Runtime.ControlPlane.Persistence;

/// <summary>
/// The <see cref="IRelayDirectory"/> of replicas that share one database (<see cref="IReplicaStore"/>): claims are rows
/// of <c>agent_relays</c>, owners count only while their heartbeat is younger than the timeout, and a peer is a live
/// replica whose stored SHA-256 matches the secret it shows (compared in fixed time). The live replicas are read at most
/// once per <see cref="PeersCacheTime"/>, however many requests claim to come from one. Inert (local only) until
/// <see cref="Start"/> names this replica, and again after <see cref="Stop"/>.
/// </summary>
public sealed class DatabaseRelayDirectory : IRelayDirectory
{
    /// <summary>How long the list of live replicas answers peers' requests before it is read again.</summary>
    public static readonly TimeSpan PeersCacheTime = TimeSpan.FromSeconds(1);

    private readonly IReplicaStore _store;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private Task<IReadOnlyList<ReplicaRecord>>? _peers;
    private long _peersReadAt;
    private ReplicaCredentials? _self;

    /// <param name="store">The replicas and relays of the database.</param>
    /// <param name="timeout">A replica whose heartbeat is older counts as gone, with its relays.</param>
    /// <param name="time">The clock of the cache and of the heartbeats' age.</param>
    public DatabaseRelayDirectory(IReplicaStore store, TimeSpan timeout, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(time);
        _store = store;
        _timeout = timeout;
        _time = time;
    }

    public ReplicaCredentials? Self => Volatile.Read(ref _self);

    /// <summary>This replica, registered: from now on its relays are claimed and its peers' relays reached.</summary>
    public void Start(ReplicaIdentity self)
    {
        ArgumentNullException.ThrowIfNull(self);
        Volatile.Write(ref _self, new ReplicaCredentials(self.Id, self.Token));
    }

    /// <summary>This replica is going away (its rows with it): inert again, so its relays' detaching writes nothing.</summary>
    public void Stop() => Volatile.Write(ref _self, null);

    public Task ClaimAsync(string agent, CancellationToken cancellationToken)
        => Self is { } self ? _store.ClaimRelayAsync(agent, self.Id, cancellationToken) : Task.CompletedTask;

    public Task ReleaseAsync(string agent, CancellationToken cancellationToken)
        => Self is { } self ? _store.ReleaseRelayAsync(agent, self.Id, cancellationToken) : Task.CompletedTask;

    public async Task<RelayOwner?> OwnerAsync(string agent, CancellationToken cancellationToken)
    {
        if (Self is not { } self)
            return null;
        ReplicaRecord? owner;
        try
        {
            owner = await _store.RelayOwnerAsync(agent, _timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (ControlPlaneDatabaseException ex)
        {
            throw new RelayOpenException(StatusCodes.Status503ServiceUnavailable, $"agent {agent}: where its relay is cannot be read: {ex.Message}", ex);
        }

        return owner is null || owner.Id == self.Id ? null : new RelayOwner(owner.Id, owner.Address);
    }

    public async Task<bool> IsPeerAsync(Guid replica, string token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (Self is null)
            return false;
        IReadOnlyList<ReplicaRecord> live;
        try
        {
            live = await LiveAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ControlPlaneDatabaseException ex)
        {
            throw new RelayOpenException(StatusCodes.Status503ServiceUnavailable, $"the replicas cannot be read: {ex.Message}", ex);
        }

        var record = live.FirstOrDefault(r => r.Id == replica);
        var expected = Encoding.ASCII.GetBytes(record?.TokenDigest ?? new string('0', 64));
        var matches = CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(StoredText.Digest(token)), expected);
        return record is not null && matches && record.HeartbeatAt >= _time.GetUtcNow() - _timeout;
    }

    /// <summary>The live replicas, read again once the last read is older than <see cref="PeersCacheTime"/> or failed.</summary>
    private Task<IReadOnlyList<ReplicaRecord>> LiveAsync()
    {
        lock (_gate)
        {
            if (_peers is null || _peers.IsFaulted || _peers.IsCanceled || _time.GetElapsedTime(_peersReadAt) >= PeersCacheTime)
            {
                _peers = _store.LiveAsync(_timeout, CancellationToken.None);
                _peersReadAt = _time.GetTimestamp();
            }

            return _peers;
        }
    }
}
