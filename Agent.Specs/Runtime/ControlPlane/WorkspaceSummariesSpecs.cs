using System.Text;
using System.Text.Json;
using Agent.Reactive.Protocol;
using Agent.Runtime.ControlPlane;
using Agent.Runtime.ControlPlane.Persistence;
using Agent.Specs.Fakes.ControlPlane;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Reactive.Testing;

namespace Agent.Specs.Runtime.ControlPlane;

/// <summary>The all-agents stream's pipeline (<c>GET /api/v2/workspace/events</c>), in virtual time.</summary>
public sealed class WorkspaceSummariesSpecs : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private static readonly DateTimeOffset At = new(2023, 6, 6, 12, 0, 0, TimeSpan.Zero);
    private readonly TestScheduler _scheduler = new();
    private readonly FakeControlPlaneDatabase _database = new();
    private readonly ControlPlaneStore _store;
    private readonly WorkspaceSummaries _summaries;

    public WorkspaceSummariesSpecs()
    {
        _store = new ControlPlaneStore(
            ControlPlaneHarness.Workspace(), _scheduler, Timeout, agent => new DatabaseJournal(_database, agent.Name, TimeSpan.FromSeconds(1), _scheduler, NullLogger.Instance));
        _summaries = new WorkspaceSummaries(_store.Agents);
    }

    private ControlPlaneAgent Main => _store.FindByName("main")!;

    private ControlPlaneAgent Other => _store.FindByName("other")!;

    public void Dispose() => _store.Dispose();

    [Fact]
    public async Task Frames_FirstObserver_GetsEveryAgentSortedByNameThenEachChange()
    {
        await Other.ReportLifecycleAsync(new LifecycleReport(LifecycleState.Starting, At), CancellationToken.None);
        var frames = new List<SummaryFrame>();
        using var _ = _summaries.Frames.Subscribe(frames.Add);
        var snapshot = Summaries(frames);

        _scheduler.AdvanceBy(TimeSpan.FromSeconds(5).Ticks);
        await Main.ReportLifecycleAsync(new LifecycleReport(LifecycleState.Ready, At), CancellationToken.None);

        Assert.Equal(["main", "other"], snapshot.Select(summary => summary.GetProperty("name").GetString()));
        Assert.Equal("starting", snapshot[1].GetProperty("lifecycle_state").GetString());
        var change = Assert.Single(Summaries(frames).Skip(2));
        Assert.Equal(("main", "ready"), (change.GetProperty("name").GetString(), change.GetProperty("lifecycle_state").GetString()));
        Assert.Equal(_scheduler.Now, change.GetProperty("lifecycle_changed_at").GetDateTimeOffset());
    }

    [Fact]
    public async Task Frames_ReportsThatLeaveTheSummaryAlone_SendNothing()
    {
        var frames = new List<SummaryFrame>();
        using var _ = _summaries.Frames.Subscribe(frames.Add);

        Assert.True(Main.ReportMetadata("cpu", new MetadataResult(At, 0, "0.5", string.Empty)));
        Assert.True(await Main.AppendLogsAsync(LogSources.Startup, [new StartupLog(At, "hello")], CancellationToken.None));
        Main.ReportStats(new Stats { ConnectionsByProto = new Dictionary<string, long>(), RxBytes = 10 });
        Main.ReportAppHealth(new Dictionary<Guid, AppHealth> { [ControlPlaneHarness.WebAppId] = AppHealth.Initializing });

        Assert.Equal(2, frames.Count);
    }

    [Fact]
    public void Frames_AgentTimeoutPasses_SendsTheAgentDisconnected()
    {
        var frames = new List<SummaryFrame>();
        using var _ = _summaries.Frames.Subscribe(frames.Add);

        Main.Touch();
        _scheduler.AdvanceBy(Timeout.Ticks - 1);
        var beforeTheTimeout = Summaries(frames).Skip(2).Select(Status).ToList();
        _scheduler.AdvanceBy(1);

        Assert.Equal(["connected"], beforeTheTimeout);
        Assert.Equal(["connected", "disconnected"], Summaries(frames).Skip(2).Select(Status));
    }

    [Fact]
    public async Task Frames_ManyChangesWhileObserved_ALateObserverGetsOnlyTheLatestOfEach()
    {
        using var first = _summaries.Frames.Subscribe(_ => { });
        foreach (var state in new[] { LifecycleState.Starting, LifecycleState.Ready, LifecycleState.ShuttingDown })
            await Main.ReportLifecycleAsync(new LifecycleReport(state, At), CancellationToken.None);

        var late = new List<SummaryFrame>();
        using var _ = _summaries.Frames.Subscribe(late.Add);

        Assert.Equal(["main", "other"], late.Select(frame => frame.Name));
        Assert.Equal("shutting_down", Summaries(late)[0].GetProperty("lifecycle_state").GetString());
    }

    [Fact]
    public async Task Frames_TwoObservers_ShareEachFrame()
    {
        var first = new List<SummaryFrame>();
        var second = new List<SummaryFrame>();
        using var a = _summaries.Frames.Subscribe(first.Add);
        using var b = _summaries.Frames.Subscribe(second.Add);

        await Main.ReportLifecycleAsync(new LifecycleReport(LifecycleState.Ready, At), CancellationToken.None);

        Assert.Equal(3, first.Count);
        Assert.Equal(3, second.Count);
        Assert.All(first.Zip(second), pair => Assert.Same(pair.First.Bytes, pair.Second.Bytes));
    }

    [Fact]
    public async Task Frames_LastObserverLeft_TheNextStartsFromTheCurrentStateOnly()
    {
        var first = _summaries.Frames.Subscribe(_ => { });
        first.Dispose();
        await Main.ReportLifecycleAsync(new LifecycleReport(LifecycleState.Ready, At), CancellationToken.None);

        var next = new List<SummaryFrame>();
        using var _ = _summaries.Frames.Subscribe(next.Add);

        Assert.Equal(["main", "other"], next.Select(frame => frame.Name));
        Assert.Equal("ready", Summaries(next)[0].GetProperty("lifecycle_state").GetString());
    }

    [Fact]
    public void Frames_AgentsDisposed_Complete()
    {
        var completed = false;
        using var _ = _summaries.Frames.Subscribe(_ => { }, () => completed = true);

        _store.Dispose();

        Assert.True(completed);
    }

    [Fact]
    public void Frame_Summary_IsOneSummaryEventOnOneDataLine()
    {
        var text = Encoding.UTF8.GetString(SummaryFrame.Of(Main.Summary()).Bytes);

        var lines = text.Split('\n');
        Assert.Equal("event: summary", lines[0]);
        Assert.StartsWith("data: {\"name\":\"main\"", lines[1], StringComparison.Ordinal);
        Assert.Equal(["", ""], lines[2..]);
    }

    private static string? Status(JsonElement summary) => summary.GetProperty("status").GetString();

    private static List<JsonElement> Summaries(IEnumerable<SummaryFrame> frames)
        => [.. frames.Select(frame => JsonDocument.Parse(Encoding.UTF8.GetString(frame.Bytes)["event: summary\ndata: ".Length..]).RootElement.Clone())];
}
