using Agent.Runtime.ControlPlane.Persistence;
using Agent.Specs.Fakes.ControlPlane;
using Agent.Specs.Runtime.ControlPlane;
using Microsoft.Reactive.Testing;

namespace Agent.Specs.Runtime.ControlPlane.Persistence;

/// <summary>The replica's heartbeat pipeline, in virtual time.</summary>
public sealed class ReplicaHeartbeatSpecs
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Beats_EveryInterval_OneHeartbeatEach()
    {
        var scheduler = new TestScheduler();
        var store = new FakeReplicaStore(TimeProvider.System);
        var self = ReplicaIdentity.Create(new Uri("http://127.0.0.1:7080/"));
        await store.RegisterAsync(self, CancellationToken.None);
        var logs = new CapturingLoggerProvider();

        using var beats = ReplicaHeartbeat.Beats(store, self, Interval, scheduler, logs.CreateLogger("replica")).Subscribe();
        scheduler.AdvanceBy(Interval.Ticks - 1);
        Assert.Equal(0, store.Heartbeats);
        scheduler.AdvanceBy(1);
        scheduler.AdvanceBy((Interval * 3).Ticks);

        Assert.Equal(4, store.Heartbeats);
        Assert.Empty(logs.Entries);
    }

    [Fact]
    public async Task Beats_RowGone_RegistersAgainAndSaysSo()
    {
        var scheduler = new TestScheduler();
        var store = new FakeReplicaStore(TimeProvider.System);
        var self = ReplicaIdentity.Create(new Uri("http://127.0.0.1:7080/"));
        var logs = new CapturingLoggerProvider();

        using var beats = ReplicaHeartbeat.Beats(store, self, Interval, scheduler, logs.CreateLogger("replica")).Subscribe();
        scheduler.AdvanceBy(Interval.Ticks);

        Assert.Equal(self.Id, Assert.Single(await store.LiveAsync(TimeSpan.FromMinutes(1), CancellationToken.None)).Id);
        Assert.Equal(6571, Assert.Single(logs.Entries).EventId.Id);
    }

    [Fact]
    public void Beats_StoreFails_LogsAndBeatsAgainNextInterval()
    {
        var scheduler = new TestScheduler();
        var store = new FailingReplicaStore();
        var self = ReplicaIdentity.Create(new Uri("http://127.0.0.1:7080/"));
        var logs = new CapturingLoggerProvider();

        using var beats = ReplicaHeartbeat.Beats(store, self, Interval, scheduler, logs.CreateLogger("replica")).Subscribe();
        scheduler.AdvanceBy((Interval * 2).Ticks);

        Assert.Equal(2, store.Calls);
        Assert.All(logs.Entries, entry => Assert.Equal(6572, entry.EventId.Id));
        Assert.Equal(2, logs.Entries.Count);
    }

    private sealed class FailingReplicaStore : IReplicaStore
    {
        public int Calls { get; private set; }

        public bool IsShared => true;

        public Task<bool> HeartbeatAsync(Guid id, CancellationToken cancellationToken)
        {
            Calls++;
            return Task.FromException<bool>(new ControlPlaneDatabaseException("postgres://db: the heartbeat failed"));
        }

        public Task RegisterAsync(ReplicaIdentity self, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task UnregisterAsync(Guid id, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlyList<ReplicaRecord>> LiveAsync(TimeSpan timeout, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task ClaimRelayAsync(string agent, Guid replica, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task ReleaseRelayAsync(string agent, Guid replica, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlyDictionary<string, Guid>> RelayOwnersAsync(TimeSpan timeout, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<ReplicaRecord?> RelayOwnerAsync(string agent, TimeSpan timeout, CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
