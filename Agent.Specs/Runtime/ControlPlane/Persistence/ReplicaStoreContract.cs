using Agent.Runtime.ControlPlane.Persistence;
using Agent.Specs.Fakes.SshTransport;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agent.Specs.Runtime.ControlPlane.Persistence;

/// <summary>
/// What every <see cref="IReplicaStore"/> does, on SQLite (<see cref="SqliteReplicaStoreSpecs"/>) and PostgreSQL
/// (<see cref="PostgresReplicaStoreSpecs"/>): replicas register and beat, go stale after the timeout with the relays
/// they held, and a relay's release never removes a newer claim.
/// </summary>
public abstract class ReplicaStoreContract
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    private readonly ManualTimeProvider _clock = new();

    /// <summary>A fresh, empty database for one spec.</summary>
    protected abstract Task<IDatabaseUnderTest> CreateDatabaseAsync();

    /// <summary>Whether other processes may share the database (then replicas reach each other's relays).</summary>
    protected abstract bool Shared { get; }

    [Fact]
    public async Task IsShared_OnlyADatabaseServerIs_SqliteBelongsToOneProcess()
    {
        await using var under = await CreateDatabaseAsync();
        await using var database = await OpenAsync(under);

        Assert.Equal(Shared, database.Replicas.IsShared);
    }

    [Fact]
    public async Task Register_TwoReplicas_BothLiveWithAddressAndDigestNeverTheToken()
    {
        await using var under = await CreateDatabaseAsync();
        await using var database = await OpenAsync(under);
        var a = ReplicaIdentity.Create(new Uri("http://127.0.0.1:7080/"));
        var b = ReplicaIdentity.Create(new Uri("http://127.0.0.1:7081/"));

        await database.Replicas.RegisterAsync(a, CancellationToken.None);
        await database.Replicas.RegisterAsync(b, CancellationToken.None);

        var live = await database.Replicas.LiveAsync(Timeout, CancellationToken.None);
        Assert.Equal(new[] { a, b }.OrderBy(r => r.Id.ToString("D"), StringComparer.Ordinal).Select(r => (r.Id, r.Address, r.TokenDigest)), live.Select(r => (r.Id, r.Address, r.TokenDigest)));
        Assert.DoesNotContain(a.Token, string.Join('\n', await SchemaDump.RowsAsync(under, "SELECT id, address, token_digest FROM replicas")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Live_HeartbeatOlderThanTheTimeout_IsGoneAndAHeartbeatBringsItBack()
    {
        await using var under = await CreateDatabaseAsync();
        await using var database = await OpenAsync(under);
        var a = ReplicaIdentity.Create(new Uri("http://127.0.0.1:7080/"));
        await database.Replicas.RegisterAsync(a, CancellationToken.None);

        _clock.Advance(Timeout + TimeSpan.FromSeconds(1));
        Assert.Empty(await database.Replicas.LiveAsync(Timeout, CancellationToken.None));

        Assert.True(await database.Replicas.HeartbeatAsync(a.Id, CancellationToken.None));
        Assert.Equal(a.Id, Assert.Single(await database.Replicas.LiveAsync(Timeout, CancellationToken.None)).Id);
    }

    [Fact]
    public async Task Heartbeat_UnknownReplica_IsFalse()
    {
        await using var under = await CreateDatabaseAsync();
        await using var database = await OpenAsync(under);

        Assert.False(await database.Replicas.HeartbeatAsync(Guid.NewGuid(), CancellationToken.None));
    }

    [Fact]
    public async Task RelayOwner_ClaimedByALiveReplica_IsThatReplicaUntilItsHeartbeatTimesOut()
    {
        await using var under = await CreateDatabaseAsync();
        await using var database = await OpenAsync(under);
        var a = ReplicaIdentity.Create(new Uri("http://127.0.0.1:7080/"));
        await database.Replicas.RegisterAsync(a, CancellationToken.None);

        Assert.Null(await database.Replicas.RelayOwnerAsync("main", Timeout, CancellationToken.None));
        await database.Replicas.ClaimRelayAsync("main", a.Id, CancellationToken.None);
        Assert.Equal(a.Address, (await database.Replicas.RelayOwnerAsync("main", Timeout, CancellationToken.None))?.Address);

        _clock.Advance(Timeout + TimeSpan.FromSeconds(1));
        Assert.Null(await database.Replicas.RelayOwnerAsync("main", Timeout, CancellationToken.None));
    }

    [Fact]
    public async Task RelayOwners_TwoReplicasOneStale_OnlyTheLiveOnesRelays()
    {
        await using var under = await CreateDatabaseAsync();
        await using var database = await OpenAsync(under);
        var a = ReplicaIdentity.Create(new Uri("http://127.0.0.1:7080/"));
        var b = ReplicaIdentity.Create(new Uri("http://127.0.0.1:7081/"));
        await database.Replicas.RegisterAsync(a, CancellationToken.None);
        await database.Replicas.RegisterAsync(b, CancellationToken.None);
        await database.Replicas.ClaimRelayAsync("main", a.Id, CancellationToken.None);
        await database.Replicas.ClaimRelayAsync("other", b.Id, CancellationToken.None);

        var both = await database.Replicas.RelayOwnersAsync(Timeout, CancellationToken.None);
        _clock.Advance(Timeout - TimeSpan.FromSeconds(1));
        await database.Replicas.HeartbeatAsync(b.Id, CancellationToken.None);
        _clock.Advance(TimeSpan.FromSeconds(2));
        var onlyB = await database.Replicas.RelayOwnersAsync(Timeout, CancellationToken.None);

        Assert.Equal(new Dictionary<string, Guid> { ["main"] = a.Id, ["other"] = b.Id }, both);
        Assert.Equal(new Dictionary<string, Guid> { ["other"] = b.Id }, onlyB);
    }

    [Fact]
    public async Task ReleaseRelay_AfterANewerClaimByAnotherReplica_KeepsTheNewerClaim()
    {
        await using var under = await CreateDatabaseAsync();
        await using var database = await OpenAsync(under);
        var a = ReplicaIdentity.Create(new Uri("http://127.0.0.1:7080/"));
        var b = ReplicaIdentity.Create(new Uri("http://127.0.0.1:7081/"));
        await database.Replicas.RegisterAsync(a, CancellationToken.None);
        await database.Replicas.RegisterAsync(b, CancellationToken.None);
        await database.Replicas.ClaimRelayAsync("main", a.Id, CancellationToken.None);

        await database.Replicas.ClaimRelayAsync("main", b.Id, CancellationToken.None);
        await database.Replicas.ReleaseRelayAsync("main", a.Id, CancellationToken.None);

        Assert.Equal(b.Id, (await database.Replicas.RelayOwnerAsync("main", Timeout, CancellationToken.None))?.Id);
        await database.Replicas.ReleaseRelayAsync("main", b.Id, CancellationToken.None);
        Assert.Null(await database.Replicas.RelayOwnerAsync("main", Timeout, CancellationToken.None));
    }

    [Fact]
    public async Task Unregister_RemovesTheReplicaAndTheRelaysItHeld()
    {
        await using var under = await CreateDatabaseAsync();
        await using var database = await OpenAsync(under);
        var a = ReplicaIdentity.Create(new Uri("http://127.0.0.1:7080/"));
        await database.Replicas.RegisterAsync(a, CancellationToken.None);
        await database.Replicas.ClaimRelayAsync("main", a.Id, CancellationToken.None);

        await database.Replicas.UnregisterAsync(a.Id, CancellationToken.None);

        Assert.Empty(await database.Replicas.LiveAsync(Timeout, CancellationToken.None));
        Assert.Empty(await SchemaDump.RowsAsync(under, "SELECT agent FROM agent_relays"));
    }

    private Task<IControlPlaneDatabase> OpenAsync(IDatabaseUnderTest under)
        => ControlPlaneDatabases.OpenAsync(under.Url, NullLoggerFactory.Instance, _clock, CancellationToken.None);
}

/// <summary>The replica store contract on SQLite.</summary>
public sealed class SqliteReplicaStoreSpecs : ReplicaStoreContract
{
    protected override bool Shared => false;

    protected override Task<IDatabaseUnderTest> CreateDatabaseAsync() => Task.FromResult<IDatabaseUnderTest>(new SqliteUnderTest());
}

/// <summary>The replica store contract on PostgreSQL: one private server for the class, a new database per spec.</summary>
public sealed class PostgresReplicaStoreSpecs(Agent.Specs.Utilities.PostgresServer server) : ReplicaStoreContract, IClassFixture<Agent.Specs.Utilities.PostgresServer>
{
    protected override bool Shared => true;

    protected override async Task<IDatabaseUnderTest> CreateDatabaseAsync() => await PostgresUnderTest.CreateAsync(server);
}
