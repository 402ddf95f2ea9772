using Agent.Reactive.Monitoring;
using Agent.Reactive.Protocol;
using Agent.Runtime.ControlPlane;
using Agent.Runtime.ControlPlane.Persistence;
using Agent.Specs.Fakes.ControlPlane;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Reactive.Testing;

namespace Agent.Specs.Runtime.ControlPlane;

/// <summary>What one agent of the control plane keeps in its database (a fake), and what it restores from it, in virtual time.</summary>
public sealed class ControlPlaneAgentJournalSpecs : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan FlushInterval = TimeSpan.FromSeconds(1);
    private static readonly DateTimeOffset At = new(2023, 6, 6, 12, 0, 0, TimeSpan.Zero);
    private readonly TestScheduler _scheduler = new();
    private readonly FakeControlPlaneDatabase _database = new();
    private readonly List<PersistentControlPlane> _controlPlanes = [];

    public async ValueTask DisposeAsync()
    {
        foreach (var controlPlane in _controlPlanes)
            await controlPlane.DisposeAsync();
    }

    [Fact]
    public async Task ReportLifecycle_DatabaseFails_ThrowsAndNothingIsTakenOrPublished()
    {
        var agent = await StartAsync();
        var events = new List<AgentEvent>();
        using var subscription = agent.Events.Subscribe(events.Add);
        _database.Failing = true;

        await Assert.ThrowsAsync<AgentJournalException>(() => agent.ReportLifecycleAsync(new LifecycleReport(LifecycleState.Ready, At), CancellationToken.None));

        Assert.Empty(agent.Lifecycle());
        Assert.Empty(events.OfType<LifecycleChanged>());
    }

    [Fact]
    public async Task AppendLogs_DatabaseFails_ThrowsAndNoLineIsTaken()
    {
        var agent = await StartAsync();
        _database.Failing = true;

        await Assert.ThrowsAsync<AgentJournalException>(() => agent.AppendLogsAsync(LogSources.Startup, [new StartupLog(At, "a")], CancellationToken.None));
        _database.Failing = false;
        Assert.True(await agent.AppendLogsAsync(LogSources.Startup, [new StartupLog(At, "a")], CancellationToken.None));

        Assert.Equal(["a"], agent.Logs(LogSources.Startup).Select(log => log.Output));
        Assert.Equal(["a"], _database.State("main").StartupLogs.Select(log => log.Output));
    }

    [Fact]
    public async Task AppendLogs_TheSameBatchAgain_StoredOnce()
    {
        var agent = await StartAsync();
        StartupLog[] batch = [new(At, "a"), new(At.AddMilliseconds(1), "b")];

        Assert.True(await agent.AppendLogsAsync(LogSources.Startup, batch, CancellationToken.None));
        Assert.True(await agent.AppendLogsAsync(LogSources.Startup, batch, CancellationToken.None));

        Assert.Equal(["a", "b"], agent.Logs(LogSources.Startup).Select(log => log.Output));
        Assert.Equal(["a", "b"], _database.State("main").StartupLogs.Select(log => log.Output));
    }

    [Fact]
    public async Task AppendLogs_PastTheLimitAgainAndAgain_OverflowStoredOnce()
    {
        var agent = await StartAsync();
        var half = new string('x', ControlPlaneAgent.MaxLogBytes / 2);
        Assert.True(await agent.AppendLogsAsync(LogSources.Startup, [new StartupLog(At, half)], CancellationToken.None));

        for (var i = 1; i <= 10; i++)
            Assert.False(await agent.AppendLogsAsync(LogSources.Startup, [new StartupLog(At.AddSeconds(i), half + "more")], CancellationToken.None));

        Assert.Equal(1, _database.Writes.Count(write => write == "MarkLogsOverflowedAsync main"));
        Assert.True(_database.State("main").LogsOverflowed);
        Assert.True(agent.Summary().StartupLogsOverflowed);
    }

    [Fact]
    public async Task ReportLifecycle_TheSameReportAgain_StoredOnce()
    {
        var agent = await StartAsync();

        await agent.ReportLifecycleAsync(new LifecycleReport(LifecycleState.Starting, At), CancellationToken.None);
        await agent.ReportLifecycleAsync(new LifecycleReport(LifecycleState.Starting, At), CancellationToken.None);
        await agent.ReportLifecycleAsync(new LifecycleReport(LifecycleState.Ready, At.AddSeconds(1)), CancellationToken.None);

        Assert.Equal([LifecycleState.Starting, LifecycleState.Ready], agent.Lifecycle().Select(report => report.State));
        Assert.Equal(2, _database.State("main").Lifecycle.Count);
    }

    [Fact]
    public async Task ReportMetadata_PublishedAtOnce_StoredAfterTheFlushInterval()
    {
        var agent = await StartAsync();
        var events = new List<AgentEvent>();
        using var subscription = agent.Events.Subscribe(events.Add);

        agent.ReportMetadata("cpu", new MetadataResult(At, 0, "0.5", string.Empty));
        var published = events.OfType<MetadataCollected>().Count();
        var storedAtOnce = _database.State("main").Metadata.Count;
        _scheduler.AdvanceBy(FlushInterval.Ticks);

        Assert.Equal((1, 0), (published, storedAtOnce));
        Assert.Equal("0.5", _database.State("main").Metadata["cpu"].Value);
    }

    [Fact]
    public async Task Restart_OnTheSameDatabase_RestoresEverythingAndShowsDisconnectedWithLastSeen()
    {
        var first = await StartAsync();
        first.Touch();
        await first.ReportStartupAsync(new StartupRequest("v1.2.3", "/home/coder", "envbox", ["ssh-ed25519 AAAA"]), CancellationToken.None);
        await first.ReportLifecycleAsync(new LifecycleReport(LifecycleState.Starting, At), CancellationToken.None);
        await first.ReportLifecycleAsync(new LifecycleReport(LifecycleState.Ready, At.AddSeconds(1)), CancellationToken.None);
        Assert.True(await first.AppendLogsAsync(LogSources.Startup, [new StartupLog(At, "one"), new StartupLog(At.AddSeconds(1), "two")], CancellationToken.None));
        first.ReportMetadata("cpu", new MetadataResult(At, 0, "0.5", string.Empty));
        first.ReportAppHealth(new Dictionary<Guid, AppHealth> { [ControlPlaneHarness.WebAppId] = AppHealth.Healthy });
        first.ReportStats(new Stats { ConnectionsByProto = new Dictionary<string, long>(), ConnectionCount = 2 });
        var seen = first.Summary().LastSeenAt;
        await _controlPlanes[0].Server.Store.CloseJournalsAsync();

        var second = await StartAsync();
        var events = new List<AgentEvent>();
        using var subscription = second.Events.Subscribe(events.Add);
        var summary = second.Summary();

        Assert.Equal((ConnectionState.Disconnected, seen), (summary.Status, summary.LastSeenAt));
        Assert.Equal(("v1.2.3", "/home/coder", LifecycleState.Ready), (summary.Version, summary.ExpandedDirectory, summary.LifecycleState));
        Assert.Equal(["ssh-ed25519 AAAA"], summary.SshHostKeys);
        Assert.Equal(2, summary.LastStats!.ConnectionCount);
        Assert.Equal(AppHealth.Healthy, summary.Apps.Single(app => app.Id == ControlPlaneHarness.WebAppId).Health);
        Assert.Equal([LifecycleState.Starting, LifecycleState.Ready], second.Lifecycle().Select(report => report.State));
        Assert.Equal(["one", "two"], second.Logs(LogSources.Startup).Select(log => log.Output));
        Assert.Equal("0.5", second.Metadata().Single(entry => entry.Key == "cpu").Result!.Value);
        Assert.Equal(["one", "two"], events.OfType<LogLine>().Select(line => line.Output));
        Assert.Equal(ConnectionState.Disconnected, events.OfType<ConnectionChanged>().Last().State);
    }

    [Fact]
    public async Task Restart_AgentRetriesItsLastBatch_StoredOnce()
    {
        var first = await StartAsync();
        StartupLog[] batch = [new(At, "one"), new(At.AddSeconds(1), "two")];
        Assert.True(await first.AppendLogsAsync(LogSources.Startup, batch, CancellationToken.None));

        var second = await StartAsync();
        Assert.True(await second.AppendLogsAsync(LogSources.Startup, batch, CancellationToken.None));
        Assert.True(await second.AppendLogsAsync(LogSources.Startup, [new StartupLog(At.AddSeconds(2), "three")], CancellationToken.None));

        Assert.Equal(["one", "two", "three"], second.Logs(LogSources.Startup).Select(log => log.Output));
        Assert.Equal(["one", "two", "three"], _database.State("main").StartupLogs.Select(log => log.Output));
    }

    // Through the composition agent server uses: the workspace synced, the agent restored from the database.
    private async Task<ControlPlaneAgent> StartAsync()
    {
        var controlPlane = await PersistentControlPlane.CreateAsync(
            ControlPlaneHarness.Workspace(),
            new ControlPlaneOptions { Scheduler = _scheduler, AgentTimeout = Timeout, FlushInterval = FlushInterval },
            _database,
            NullLoggerFactory.Instance,
            CancellationToken.None);
        _controlPlanes.Add(controlPlane);
        return controlPlane.Server.Store.FindByName("main")!;
    }
}
