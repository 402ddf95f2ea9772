using System.Reactive.Linq;
using Agent.Reactive.Monitoring;
using Agent.Reactive.Protocol;
using Agent.Runtime.ControlPlane;
using Agent.Runtime.ControlPlane.Persistence;
using Agent.Runtime.ControlPlane.Replicas;
using Agent.Specs.Fakes.ControlPlane;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Reactive.Testing;

namespace Agent.Specs.Runtime.ControlPlane;

/// <summary>One agent among replicas, in virtual time: what it announces, what it takes from the database again, its relay on a peer.</summary>
public sealed class ControlPlaneAgentReplicaSpecs : IAsyncLifetime
{
    private static readonly DateTimeOffset At = new(2023, 6, 6, 12, 0, 0, TimeSpan.Zero);
    private static readonly Guid Peer = Guid.Parse("6a0c1f3e-0000-4000-8000-000000000001");
    private readonly TestScheduler _scheduler = new();
    private readonly FakeControlPlaneDatabase _database = new();
    private readonly List<AgentChange> _announced = [];
    private PersistentControlPlane _controlPlane = null!;
    private IDisposable _changes = null!;

    private ControlPlaneAgent Main => _controlPlane.Server.Store.FindByName("main")!;

    public async Task InitializeAsync()
    {
        _controlPlane = await PersistentControlPlane.CreateAsync(
            ControlPlaneHarness.Workspace(),
            new ControlPlaneOptions { Scheduler = _scheduler, FlushInterval = TimeSpan.FromSeconds(10) },
            _database,
            NullLoggerFactory.Instance,
            CancellationToken.None);
        _changes = Main.Changes.Subscribe(_announced.Add);
    }

    public async Task DisposeAsync()
    {
        _changes.Dispose();
        await _controlPlane.DisposeAsync();
    }

    [Fact]
    public async Task ReportLifecycle_Stored_AnnouncedAfterTheWrite()
    {
        var release = new TaskCompletionSource();
        _database.Gate = () => release.Task;

        var reporting = Main.ReportLifecycleAsync(new LifecycleReport(LifecycleState.Ready, At), CancellationToken.None);
        var beforeTheWrite = _announced.Count;
        release.SetResult();
        await reporting;

        Assert.Equal(0, beforeTheWrite);
        Assert.Equal(LifecycleState.Ready, Assert.Single(_announced).Lifecycle?.State);
    }

    [Fact]
    public async Task AppendLogs_DatabaseFails_NothingAnnounced()
    {
        _database.Failing = true;

        await Assert.ThrowsAsync<AgentJournalException>(() => Main.AppendLogsAsync(LogSources.Startup, [new StartupLog(At, "a")], CancellationToken.None));

        Assert.Empty(_announced);
    }

    [Fact]
    public void ReportMetadata_FlushIn10s_AnnouncedAtOnce()
    {
        Main.ReportMetadata("cpu", new MetadataResult(At, 0, "0.5", string.Empty));

        Assert.Equal("0.5", Assert.Single(_announced).Metadata?.Value);
        Assert.Empty(_database.Writes);
    }

    [Fact]
    public void TakeStored_WhileRunning_ListsReplacedNotDoubledAndOnlyTheNewPublished()
    {
        var first = new StartupLog(At, "one", "info");
        var second = new StartupLog(At.AddSeconds(1), "two", "info");
        Main.ApplyRemote(Peer, new AgentChange("main", AgentChangeKind.Logs, At) { LogSource = LogSources.Startup, Logs = [first] });
        Main.ApplyRemote(Peer, new AgentChange("main", AgentChangeKind.Lifecycle, At) { Lifecycle = new LifecycleReport(LifecycleState.Starting, At) });
        var events = new List<AgentEvent>();
        using var live = Main.Events.Subscribe(events.Add);
        events.Clear();

        var reloaded = Main.TakeStored(
            running: true,
            null,
            [new LifecycleReport(LifecycleState.Starting, At), new LifecycleReport(LifecycleState.Ready, At.AddSeconds(1))],
            [first, second],
            [],
            false,
            new Dictionary<string, MetadataResult>(),
            new Dictionary<Guid, AppHealth>(),
            null,
            null);

        Assert.True(reloaded);
        Assert.Equal(["one", "two"], Main.Logs(LogSources.Startup).Select(log => log.Output));
        Assert.Equal([LifecycleState.Starting, LifecycleState.Ready], Main.Lifecycle().Select(report => report.State));
        Assert.Equal(["two"], events.OfType<LogLine>().Select(line => line.Output));
        Assert.Equal([LifecycleState.Ready], events.OfType<LifecycleChanged>().Select(change => change.State));
        Assert.Empty(_announced);
    }

    [Fact]
    public void TakeStored_WhileRunningAPeersNewerMetadataIsNotFlushed_TheNewerValueStays()
    {
        Main.ApplyRemote(Peer, new AgentChange("main", AgentChangeKind.Metadata, At) { MetadataKey = "cpu", Metadata = new MetadataResult(At.AddSeconds(5), 0, "newer", string.Empty) });

        Main.TakeStored(
            running: true,
            null,
            [],
            [],
            [],
            false,
            new Dictionary<string, MetadataResult> { ["cpu"] = new(At, 0, "older", string.Empty), ["host"] = new(At, 0, "box", string.Empty) },
            new Dictionary<Guid, AppHealth>(),
            null,
            null);

        var values = Main.Metadata().ToDictionary(entry => entry.Key, entry => entry.Result?.Value);
        Assert.Equal(("newer", "box"), (values["cpu"], values["host"]));
    }

    [Fact]
    public void TakeStored_WhileTheAgentCallsThisReplica_Skipped()
    {
        Main.Touch();

        var reloaded = Main.TakeStored(running: true, null, [new LifecycleReport(LifecycleState.Ready, At)], [], [], false, new Dictionary<string, MetadataResult>(), new Dictionary<Guid, AppHealth>(), null, null);

        Assert.False(reloaded);
        Assert.Empty(Main.Lifecycle());
    }

    [Fact]
    public void RelayHolderWatch_ThePeerHoldingTheRelayIsNoLongerLive_RelayDisconnected()
    {
        Main.ApplyRemote(Peer, new AgentChange("main", AgentChangeKind.Relay, At) { Relay = new RelayChanged(At, ConnectionState.Connected) });
        var owners = new Dictionary<string, Guid> { ["main"] = Peer };
        var interval = TimeSpan.FromSeconds(5);
        using var watch = RelayHolderWatch.Checks(_controlPlane.Server.Store.Agents, _ => Task.FromResult<IReadOnlyDictionary<string, Guid>>(owners.ToDictionary()), interval, _scheduler, NullLogger.Instance).Subscribe();

        _scheduler.AdvanceBy(interval.Ticks);
        var whileLive = Main.Summary().Relay;
        owners.Clear();
        _scheduler.AdvanceBy(interval.Ticks);

        Assert.Equal((ConnectionState.Connected, ConnectionState.Disconnected), (whileLive, Main.Summary().Relay));
    }

    [Fact]
    public void RelayHolderWatch_ThePeerBeatsAgainOrItsAnnouncementWasLost_RelayConnectedAgainWithOneEvent()
    {
        var owners = new Dictionary<string, Guid>();
        var interval = TimeSpan.FromSeconds(5);
        var events = new List<RelayChanged>();
        using var feed = Main.Events.OfType<RelayChanged>().Subscribe(events.Add);
        using var watch = RelayHolderWatch.Checks(_controlPlane.Server.Store.Agents, _ => Task.FromResult<IReadOnlyDictionary<string, Guid>>(owners.ToDictionary()), interval, _scheduler, NullLogger.Instance).Subscribe();
        _scheduler.AdvanceBy(interval.Ticks);
        var before = Main.Summary().Relay;

        owners["main"] = Peer;
        _scheduler.AdvanceBy((interval * 3).Ticks);

        Assert.Equal((ConnectionState.Disconnected, ConnectionState.Connected), (before, Main.Summary().Relay));
        Assert.Single(events, change => change.State == ConnectionState.Connected);
    }
}
