using Agent.Reactive.Monitoring;
using Agent.Reactive.Protocol;
using Agent.Runtime.ControlPlane;
using Agent.Runtime.ControlPlane.Persistence;
using Agent.Specs.Fakes.ControlPlane;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Reactive.Testing;

namespace Agent.Specs.Runtime.ControlPlane;

/// <summary>The per-agent state of the embedded control plane, in virtual time.</summary>
public sealed class ControlPlaneAgentSpecs : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(300);
    private static readonly TimeSpan FlushInterval = TimeSpan.FromSeconds(1);
    private readonly TestScheduler _scheduler = new();
    private readonly FakeControlPlaneDatabase _database = new();
    private readonly ControlPlaneStore _store;
    private readonly ControlPlaneAgent _agent;
    private readonly List<AgentEvent> _events = [];
    private readonly IDisposable _subscription;

    public ControlPlaneAgentSpecs()
    {
        _store = new ControlPlaneStore(
            ControlPlaneHarness.Workspace(), _scheduler, Timeout, agent => new DatabaseJournal(_database, agent.Name, FlushInterval, _scheduler, NullLogger.Instance));
        _agent = _store.FindByName("main")!;
        _subscription = _agent.Events.Subscribe(_events.Add);
    }

    public void Dispose()
    {
        _subscription.Dispose();
        _store.Dispose();
    }

    [Fact]
    public void Touch_ThenQuietForTheTimeout_FlipsToDisconnectedOnce()
    {
        _agent.Touch();
        _scheduler.AdvanceBy(Timeout.Ticks - 1);
        var before = _agent.Summary().Status;
        _scheduler.AdvanceBy(1);
        _scheduler.AdvanceBy(Timeout.Ticks * 10);

        Assert.Equal(ConnectionState.Connected, before);
        Assert.Equal(ConnectionState.Disconnected, _agent.Summary().Status);
        Assert.Equal(
            [ConnectionState.Disconnected, ConnectionState.Connected, ConnectionState.Disconnected],
            _events.OfType<ConnectionChanged>().Select(change => change.State));
        Assert.Equal(Timeout.Ticks, _events.OfType<ConnectionChanged>().Last().At.Ticks);
    }

    [Fact]
    public void Touch_AgainBeforeTheTimeout_RearmsTheTimer()
    {
        _agent.Touch();
        _scheduler.AdvanceBy(TimeSpan.FromMilliseconds(200).Ticks);
        _agent.Touch();
        _scheduler.AdvanceBy(TimeSpan.FromMilliseconds(299).Ticks);
        var stillConnected = _agent.Summary().Status;
        _scheduler.AdvanceBy(TimeSpan.FromMilliseconds(1).Ticks);

        Assert.Equal(ConnectionState.Connected, stillConnected);
        Assert.Equal(ConnectionState.Disconnected, _agent.Summary().Status);
        Assert.Equal(2, _events.OfType<ConnectionChanged>().Count(change => change.State == ConnectionState.Disconnected));
    }

    [Fact]
    public void Touch_AfterDisconnect_ConnectsAgain()
    {
        _agent.Touch();
        _scheduler.AdvanceBy(Timeout.Ticks);
        _agent.Touch();

        Assert.Equal(ConnectionState.Connected, _agent.Summary().Status);
        Assert.Equal(ConnectionState.Connected, _events.OfType<ConnectionChanged>().Last().State);
    }

    [Fact]
    public async Task AppendLogs_StartupAndShutdownShareOneMebibyte()
    {
        var half = new StartupLog(DateTimeOffset.UnixEpoch, new string('x', 512 * 1024));

        var startup = await _agent.AppendLogsAsync(LogSources.Startup, [half], CancellationToken.None);
        var shutdown = await _agent.AppendLogsAsync(LogSources.Shutdown, [half], CancellationToken.None);
        var oneMore = await _agent.AppendLogsAsync(LogSources.Shutdown, [new StartupLog(DateTimeOffset.UnixEpoch, "x")], CancellationToken.None);

        Assert.Equal((true, true, false), (startup, shutdown, oneMore));
        Assert.Equal(2, _events.OfType<LogLine>().Count());
    }

    [Fact]
    public void ReportMetadata_MultiByteValue_CutBetweenCharacters()
    {
        var value = "a" + new string('é', 20_000); // 40 001 bytes as UTF-8

        _agent.ReportMetadata("cpu", new MetadataResult(DateTimeOffset.UnixEpoch, 5, value, ""));

        var stored = _agent.Metadata().Single(entry => entry.Key == "cpu").Result!;
        Assert.Equal(32_767, System.Text.Encoding.UTF8.GetByteCount(stored.Value));
        Assert.Equal("value of 40001 bytes exceeded 32768 bytes", stored.Error);
        Assert.Equal(_scheduler.Now, stored.CollectedAt);
    }

    [Fact]
    public void ReportMetadata_LongError_CutTo32KiB()
    {
        _agent.ReportMetadata("cpu", new MetadataResult(DateTimeOffset.UnixEpoch, 0, "", new string('e', 50_000)));

        Assert.Equal(32 * 1024, _agent.Metadata().Single(entry => entry.Key == "cpu").Result!.Error.Length);
    }

    [Fact]
    public void ReportMetadata_Age_CountsFromServerReceipt()
    {
        _agent.ReportMetadata("cpu", new MetadataResult(DateTimeOffset.UnixEpoch, 0, "1", ""));
        _scheduler.AdvanceBy(TimeSpan.FromSeconds(7).Ticks);

        Assert.Equal(7, _agent.Metadata().Single(entry => entry.Key == "cpu").Result!.Age);
    }

    [Fact]
    public void ReportAppHealth_SameValueTwice_PublishesOnlyTheChange()
    {
        var healthy = new Dictionary<Guid, AppHealth> { [ControlPlaneHarness.WebAppId] = AppHealth.Healthy };

        _agent.ReportAppHealth(healthy);
        _agent.ReportAppHealth(healthy);

        var change = Assert.Single(_events.OfType<AppHealthChanged>());
        Assert.Equal(AppHealth.Healthy, change.Healths[ControlPlaneHarness.WebAppId]);
        Assert.Equal(AppHealth.Disabled, change.Healths[ControlPlaneHarness.DocsAppId]);
    }

    [Fact]
    public async Task ReportLifecycle_WithoutChangedAt_UsesServerTime()
    {
        _scheduler.AdvanceBy(TimeSpan.FromSeconds(3).Ticks);

        await _agent.ReportLifecycleAsync(new LifecycleReport(LifecycleState.Starting, default), CancellationToken.None);

        Assert.Equal(_scheduler.Now, Assert.Single(_agent.Lifecycle()).ChangedAt);
    }
}
