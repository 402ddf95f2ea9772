using Agent.Runtime.ControlPlane;
using Agent.Runtime.ControlPlane.Persistence;
using Agent.Specs.Fakes.ControlPlane;
using Agent.Specs.Fakes.SshTransport;

namespace Agent.Specs.Runtime.ControlPlane.Persistence;

/// <summary>Where relays are and who is a peer, read from the replicas of a database on a manual clock.</summary>
public sealed class DatabaseRelayDirectorySpecs
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    private readonly ManualTimeProvider _time = new();
    private readonly CountingStore _store;
    private readonly ReplicaIdentity _self = ReplicaIdentity.Create(new Uri("http://127.0.0.1:7080/"));
    private readonly ReplicaIdentity _peer = ReplicaIdentity.Create(new Uri("http://127.0.0.1:7081/"));
    private readonly DatabaseRelayDirectory _directory;

    public DatabaseRelayDirectorySpecs()
    {
        _store = new CountingStore(new FakeReplicaStore(_time));
        _directory = new DatabaseRelayDirectory(_store, Timeout, _time);
    }

    [Fact]
    public async Task IsPeer_ALiveReplicaWithItsSecret_True()
    {
        await StartAsync();

        Assert.True(await _directory.IsPeerAsync(_peer.Id, _peer.Token, CancellationToken.None));
    }

    [Fact]
    public async Task IsPeer_AnotherReplicasSecretOrAnUnknownId_False()
    {
        await StartAsync();

        Assert.False(await _directory.IsPeerAsync(_peer.Id, _self.Token, CancellationToken.None));
        Assert.False(await _directory.IsPeerAsync(Guid.NewGuid(), _peer.Token, CancellationToken.None));
        Assert.False(await _directory.IsPeerAsync(_peer.Id, _peer.TokenDigest, CancellationToken.None));
    }

    [Fact]
    public async Task IsPeer_AReplicaWhoseHeartbeatIsOlderThanTheTimeout_False()
    {
        await StartAsync();
        _time.Advance(Timeout + TimeSpan.FromSeconds(1));
        await _store.HeartbeatAsync(_self.Id, CancellationToken.None);

        Assert.False(await _directory.IsPeerAsync(_peer.Id, _peer.Token, CancellationToken.None));
    }

    [Fact]
    public async Task IsPeer_ManyGuesses_TheReplicasAreReadOncePerCacheTime()
    {
        await StartAsync();
        for (var guess = 0; guess < 50; guess++)
            Assert.False(await _directory.IsPeerAsync(Guid.NewGuid(), $"guess-{guess}", CancellationToken.None));
        Assert.Equal(1, _store.LiveReads);

        _time.Advance(DatabaseRelayDirectory.PeersCacheTime);
        Assert.False(await _directory.IsPeerAsync(Guid.NewGuid(), "one more", CancellationToken.None));

        Assert.Equal(2, _store.LiveReads);
    }

    [Fact]
    public async Task BeforeStart_Inert_NoClaimsNoOwnersNoPeers()
    {
        await _store.RegisterAsync(_peer, CancellationToken.None);
        await _store.ClaimRelayAsync("main", _peer.Id, CancellationToken.None);

        await _directory.ClaimAsync("other", CancellationToken.None);

        Assert.Null(_directory.Self);
        Assert.Null(await _directory.OwnerAsync("main", CancellationToken.None));
        Assert.False(await _directory.IsPeerAsync(_peer.Id, _peer.Token, CancellationToken.None));
        Assert.Null(await _store.RelayOwnerAsync("other", Timeout, CancellationToken.None));
    }

    [Fact]
    public async Task Stopped_ReleasesNothing_ClaimsNothing()
    {
        await StartAsync();
        await _directory.ClaimAsync("main", CancellationToken.None);

        _directory.Stop();
        await _directory.ReleaseAsync("main", CancellationToken.None);
        await _directory.ClaimAsync("other", CancellationToken.None);

        Assert.Null(_directory.Self);
        Assert.Equal(_self.Id, (await _store.RelayOwnerAsync("main", Timeout, CancellationToken.None))?.Id);
        Assert.Null(await _store.RelayOwnerAsync("other", Timeout, CancellationToken.None));
    }

    [Fact]
    public async Task Owner_ClaimedByALivePeer_ThePeer_ClaimedHere_None()
    {
        await StartAsync();
        await _store.ClaimRelayAsync("main", _peer.Id, CancellationToken.None);
        await _directory.ClaimAsync("other", CancellationToken.None);

        Assert.Equal(new RelayOwner(_peer.Id, _peer.Address), await _directory.OwnerAsync("main", CancellationToken.None));
        Assert.Null(await _directory.OwnerAsync("other", CancellationToken.None));
        Assert.Equal(_self.Id, (await _store.RelayOwnerAsync("other", Timeout, CancellationToken.None))?.Id);
    }

    [Fact]
    public async Task Owner_ThePeerStoppedBeating_NoneAfterTheTimeout()
    {
        await StartAsync();
        await _store.ClaimRelayAsync("main", _peer.Id, CancellationToken.None);

        _time.Advance(Timeout + TimeSpan.FromSeconds(1));

        Assert.Null(await _directory.OwnerAsync("main", CancellationToken.None));
    }

    private async Task StartAsync()
    {
        await _store.RegisterAsync(_self, CancellationToken.None);
        await _store.RegisterAsync(_peer, CancellationToken.None);
        _directory.Start(_self);
    }

    private sealed class CountingStore(IReplicaStore inner) : IReplicaStore
    {
        public int LiveReads { get; private set; }

        public bool IsShared => inner.IsShared;

        public Task RegisterAsync(ReplicaIdentity self, CancellationToken cancellationToken) => inner.RegisterAsync(self, cancellationToken);

        public Task<bool> HeartbeatAsync(Guid id, CancellationToken cancellationToken) => inner.HeartbeatAsync(id, cancellationToken);

        public Task UnregisterAsync(Guid id, CancellationToken cancellationToken) => inner.UnregisterAsync(id, cancellationToken);

        public Task<IReadOnlyList<ReplicaRecord>> LiveAsync(TimeSpan timeout, CancellationToken cancellationToken)
        {
            LiveReads++;
            return inner.LiveAsync(timeout, cancellationToken);
        }

        public Task ClaimRelayAsync(string agent, Guid replica, CancellationToken cancellationToken) => inner.ClaimRelayAsync(agent, replica, cancellationToken);

        public Task ReleaseRelayAsync(string agent, Guid replica, CancellationToken cancellationToken) => inner.ReleaseRelayAsync(agent, replica, cancellationToken);

        public Task<IReadOnlyDictionary<string, Guid>> RelayOwnersAsync(TimeSpan timeout, CancellationToken cancellationToken) => inner.RelayOwnersAsync(timeout, cancellationToken);

        public Task<ReplicaRecord?> RelayOwnerAsync(string agent, TimeSpan timeout, CancellationToken cancellationToken) => inner.RelayOwnerAsync(agent, timeout, cancellationToken);
    }
}
