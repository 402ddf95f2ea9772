using Agent.Reactive.Protocol;
using Agent.Runtime.ControlPlane;
using Agent.Runtime.ControlPlane.Persistence;
using Agent.Specs.Fakes.ControlPlane;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Reactive.Testing;

namespace Agent.Specs.Runtime.ControlPlane;

/// <summary>An agent's last hour of stats per minute (<c>GET /api/v2/workspaceagents/{name}/stats</c>), in virtual time.</summary>
public sealed class StatsHistorySpecs : IDisposable
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);
    private readonly TestScheduler _scheduler = new();
    private readonly ControlPlaneStore _store;

    public StatsHistorySpecs()
    {
        var database = new FakeControlPlaneDatabase();
        _store = new ControlPlaneStore(
            ControlPlaneHarness.Workspace(), _scheduler, TimeSpan.FromHours(2), agent => new DatabaseJournal(database, agent.Name, TimeSpan.FromSeconds(1), _scheduler, NullLogger.Instance));
    }

    private ControlPlaneAgent Main => _store.FindByName("main")!;

    public void Dispose() => _store.Dispose();

    [Fact]
    public void StatsHistory_NoReport_NoPoints()
    {
        var history = Main.StatsHistory();

        Assert.Equal(60, history.BucketSeconds);
        Assert.Empty(history.Points);
    }

    [Fact]
    public void StatsHistory_TwoWindowsInOneMinute_SumsBytesAndTakesCountsAndLatencyFromTheLast()
    {
        At(TimeSpan.FromSeconds(10), Window(rx: 100, tx: 5, ssh: 1, vscode: 4, latency: 3.5));
        At(TimeSpan.FromSeconds(40), Window(rx: 50, tx: 7, ssh: 2, jetbrains: 1, pty: 3, latency: 7.25));

        var point = Assert.Single(Main.StatsHistory().Points);

        Assert.Equal(new StatsPoint(Start, 150, 12, 2, 0, 1, 3, 7.25), point);
    }

    [Fact]
    public void StatsHistory_WindowsEitherSideOfAMinuteBoundary_LandInTwoMinutes()
    {
        At(Minute - TimeSpan.FromTicks(1), Window(rx: 1));
        At(Minute, Window(rx: 2));

        var points = Main.StatsHistory().Points;

        Assert.Equal([(Start, 1L), (Start + Minute, 2L)], points.Select(point => (point.At, point.RxBytes)));
    }

    [Fact]
    public void StatsHistory_MinutesWithoutAReport_HaveNoPoint()
    {
        At(TimeSpan.FromSeconds(30), Window(rx: 1));
        At(TimeSpan.FromMinutes(3.5), Window(rx: 2));

        Assert.Equal([Start, Start + (3 * Minute)], Main.StatsHistory().Points.Select(point => point.At));
    }

    [Fact]
    public void StatsHistory_AnHourAndMore_KeepsTheLastSixtyMinutesOldestFirst()
    {
        for (var minute = 0; minute <= 70; minute++)
            At((minute * Minute) + TimeSpan.FromSeconds(30), Window(rx: minute));

        var points = Main.StatsHistory().Points;

        Assert.Equal(Enumerable.Range(11, 60).Select(minute => (long)minute), points.Select(point => point.RxBytes));
        Assert.Equal(Start + (11 * Minute), points[0].At);
    }

    [Fact]
    public void StatsHistory_QuietForHalfAnHour_DropsTheMinutesOlderThanAnHour()
    {
        At(TimeSpan.FromSeconds(30), Window(rx: 1));
        At(TimeSpan.FromMinutes(30.5), Window(rx: 2));

        _scheduler.AdvanceTo((TimeSpan.FromMinutes(60) - TimeSpan.FromTicks(1)).Ticks);
        var withinTheHour = Main.StatsHistory().Points.Count;
        _scheduler.AdvanceTo(TimeSpan.FromMinutes(60).Ticks);

        Assert.Equal(2, withinTheHour);
        Assert.Equal([2L], Main.StatsHistory().Points.Select(point => point.RxBytes));
    }

    [Fact]
    public void StatsHistory_SameSlotAnHourLater_StartsTheMinuteAfresh()
    {
        At(TimeSpan.FromSeconds(30), Window(rx: 100));
        At(TimeSpan.FromMinutes(60.5), Window(rx: 1));

        var point = Assert.Single(Main.StatsHistory().Points);

        Assert.Equal((Start + (60 * Minute), 1L), (point.At, point.RxBytes));
    }

    [Fact]
    public void StatsHistory_IntervalOnlyBody_AddsNothing()
    {
        At(TimeSpan.FromSeconds(30), new Stats());

        Assert.Empty(Main.StatsHistory().Points);
    }

    [Fact]
    public void StatsHistory_APeersStatsChange_FillsThisReplicasHistoryInTheMinuteThePeerTookIt()
    {
        _scheduler.AdvanceTo(TimeSpan.FromSeconds(62).Ticks);
        Main.ApplyRemote(Guid.NewGuid(), new AgentChange("main", AgentChangeKind.Stats, Start.AddSeconds(59)) { Stats = Window(rx: 42, ssh: 1) });

        var point = Assert.Single(Main.StatsHistory().Points);

        Assert.Equal((Start, 42L, 1), (point.At, point.RxBytes, point.SessionCountSsh));
    }

    [Fact]
    public void StatsHistory_LastStatsRestoredFromTheDatabase_AddsNoPoint()
    {
        _scheduler.AdvanceTo(TimeSpan.FromSeconds(20).Ticks);

        Main.TakeStored(false, null, [], [], [], false, new Dictionary<string, MetadataResult>(), new Dictionary<Guid, AppHealth>(), Window(rx: 42), null);

        Assert.Equal(42, Main.Summary().LastStats?.RxBytes);
        Assert.Empty(Main.StatsHistory().Points);
    }

    private static DateTimeOffset Start => new(0, TimeSpan.Zero);

    private static Stats Window(long rx = 0, long tx = 0, long ssh = 0, long vscode = 0, long jetbrains = 0, long pty = 0, double latency = -1) => new()
    {
        ConnectionsByProto = new Dictionary<string, long> { ["TCP"] = 1 },
        RxBytes = rx,
        TxBytes = tx,
        SessionCountSsh = ssh,
        SessionCountVsCode = vscode,
        SessionCountJetBrains = jetbrains,
        SessionCountReconnectingPty = pty,
        ConnectionMedianLatencyMs = latency,
    };

    private void At(TimeSpan time, Stats stats)
    {
        _scheduler.AdvanceTo(time.Ticks);
        Main.ReportStats(stats);
    }
}
