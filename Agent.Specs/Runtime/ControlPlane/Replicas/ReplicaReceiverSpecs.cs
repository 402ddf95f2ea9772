using System.Reactive.Subjects;
using Agent.Reactive.Monitoring;
using Agent.Reactive.Protocol;
using Agent.Runtime.ControlPlane;
using Agent.Runtime.ControlPlane.Persistence;
using Agent.Runtime.ControlPlane.Replicas;
using Agent.Specs.Fakes.ControlPlane;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Reactive.Testing;

namespace Agent.Specs.Runtime.ControlPlane.Replicas;

/// <summary>The peers' changes applied to this replica's agents; (re)connects and gaps read the database again.</summary>
public sealed class ReplicaReceiverSpecs : IAsyncLifetime
{
    private static readonly DateTimeOffset At = new(2023, 6, 6, 12, 0, 0, TimeSpan.Zero);
    private static readonly Guid Peer = Guid.Parse("6a0c1f3e-0000-4000-8000-000000000001");
    private static readonly Guid Self = Guid.Parse("6a0c1f3e-0000-4000-8000-000000000002");
    private readonly TestScheduler _scheduler = new();
    private readonly FakeControlPlaneDatabase _database = new();
    private readonly Subject<string?> _payloads = new();
    private readonly List<string> _reloaded = [];
    private PersistentControlPlane _controlPlane = null!;
    private ReplicaReceiver _receiver = null!;

    private ControlPlaneAgent Main => _controlPlane.Server.Store.FindByName("main")!;

    public async Task InitializeAsync()
    {
        _controlPlane = await PersistentControlPlane.CreateAsync(
            ControlPlaneHarness.Workspace(),
            new ControlPlaneOptions { Scheduler = _scheduler },
            _database,
            NullLoggerFactory.Instance,
            CancellationToken.None);
        _receiver = new ReplicaReceiver(
            _controlPlane.Server.Store,
            Self,
            _payloads,
            (agent, _) =>
            {
                _reloaded.Add(agent.Name);
                return Task.FromResult(true);
            },
            _scheduler,
            NullLogger.Instance);
    }

    public async Task DisposeAsync()
    {
        _receiver.Dispose();
        await _controlPlane.DisposeAsync();
    }

    [Fact]
    public void Receive_Connected_EveryAgentReloaded()
    {
        _payloads.OnNext(null);

        Assert.Equal(["main", "other"], _reloaded);
    }

    [Fact]
    public void Receive_APeersLifecycle_ShownAndNeitherJournalledNorAnnounced()
    {
        var events = new List<AgentEvent>();
        var announced = new List<AgentChange>();
        using var feed = Main.Events.Subscribe(events.Add);
        using var changes = Main.Changes.Subscribe(announced.Add);

        Send(1, new AgentChange("main", AgentChangeKind.Lifecycle, At) { Lifecycle = new LifecycleReport(LifecycleState.Ready, At) });

        Assert.Equal([LifecycleState.Ready], Main.Lifecycle().Select(report => report.State));
        Assert.Contains(events, e => e is LifecycleChanged { State: LifecycleState.Ready });
        Assert.Empty(announced);
        Assert.Empty(_database.Writes);
        Assert.Empty(_reloaded);
    }

    [Fact]
    public void Receive_OwnChange_Ignored()
    {
        _payloads.OnNext(Assert.Single(ReplicaMessage.Encode(Self, 1, new AgentChange("main", AgentChangeKind.Lifecycle, At) { Lifecycle = new LifecycleReport(LifecycleState.Ready, At) })));

        Assert.Empty(Main.Lifecycle());
    }

    [Fact]
    public void Receive_AGapInAPeersSequence_ChangeTakenAndEveryAgentReloaded()
    {
        Send(1, new AgentChange("main", AgentChangeKind.Seen, At));
        Send(2, new AgentChange("main", AgentChangeKind.Seen, At));
        Assert.Empty(_reloaded);

        Send(4, new AgentChange("main", AgentChangeKind.Stats, At) { Stats = new Stats { ConnectionsByProto = new Dictionary<string, long>(), RxBytes = 7 } });

        Assert.Equal(["main", "other"], _reloaded);
        Assert.Equal(7, Main.Summary().LastStats?.RxBytes);
    }

    [Fact]
    public void Receive_AChangeTooLargeToSend_EveryAgentReloaded()
    {
        Send(1, new AgentChange("main", AgentChangeKind.Reload, At));

        Assert.Equal(["main", "other"], _reloaded);
    }

    [Fact]
    public void Receive_APeersSeen_ConnectedUntilTheAgentTimeoutPassesWithoutAnother()
    {
        Send(1, new AgentChange("main", AgentChangeKind.Seen, At));
        var afterSeen = Main.Summary().Status;
        _scheduler.AdvanceBy(new ControlPlaneOptions().AgentTimeout.Ticks - 1);
        var justBefore = Main.Summary().Status;
        _scheduler.AdvanceBy(1);

        Assert.Equal((ConnectionState.Connected, ConnectionState.Connected, ConnectionState.Disconnected), (afterSeen, justBefore, Main.Summary().Status));
    }

    [Fact]
    public void Receive_APeersRelayAttachedThenClosed_ConnectedThenDisconnected()
    {
        Send(1, new AgentChange("main", AgentChangeKind.Relay, At) { Relay = new RelayChanged(At, ConnectionState.Connected) });
        var attached = Main.Summary().Relay;
        Send(2, new AgentChange("main", AgentChangeKind.Relay, At) { Relay = new RelayChanged(At, ConnectionState.Disconnected, "the relay closed") });

        Assert.Equal((ConnectionState.Connected, ConnectionState.Disconnected), (attached, Main.Summary().Relay));
    }

    private void Send(long sequence, AgentChange change)
    {
        foreach (var payload in ReplicaMessage.Encode(Peer, sequence, change))
            _payloads.OnNext(payload);
    }
}
