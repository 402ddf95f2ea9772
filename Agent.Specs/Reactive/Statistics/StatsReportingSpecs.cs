using System.Reactive.Concurrency;
using Agent.Reactive.Monitoring;
using Agent.Reactive.Protocol;
using Agent.Reactive.Statistics;
using Agent.Specs.Fakes.Statistics;
using Agent.Specs.Utilities;
using Microsoft.Extensions.Logging;

namespace Agent.Specs.Reactive.Statistics;

public sealed class StatsReportingSpecs
{
    private readonly HistoricalScheduler _scheduler = new();
    private readonly RecordingLogger _logger = new();
    private readonly AgentCounters _counters = new();
    private readonly List<StatsReported> _events = [];
    private readonly StatsControlPlane _client;

    public StatsReportingSpecs() => _client = new StatsControlPlane(_scheduler);

    [Fact]
    public void Run_FirstPost_IsEmptyAndOnlyLearnsTheInterval()
    {
        Start();

        AdvanceTo(9.9);

        var handshake = Assert.Single(_client.Posts);
        Assert.Null(handshake.Stats.ConnectionsByProto);
        Assert.Equal(TimeSpan.Zero, handshake.At);
        Assert.Empty(_events);
    }

    [Fact]
    public void Run_IntervalLearned_ReportsOneWindowEveryInterval()
    {
        Start();

        AdvanceTo(35);

        Assert.Equal([Seconds(0), Seconds(10), Seconds(20), Seconds(30)], _client.Posts.Select(p => p.At));
        Assert.All(_client.Posts.Skip(1), post => Assert.NotNull(post.Stats.ConnectionsByProto));
        Assert.Equal([Seconds(10), Seconds(20), Seconds(30)], _events.Select(e => TimeSpan.FromTicks(e.At.UtcTicks)));
        Assert.Equal(_client.Posts.Skip(1).Select(p => p.Stats), _events.Select(e => e.Stats));
    }

    [Fact]
    public void Run_AnswerWithNewInterval_RearmsTheWindow()
    {
        _client.OnPost = (_, attempt) => Task.FromResult(new StatsResponse(TimeSpan.FromSeconds(attempt == 1 ? 10 : 5)));
        Start();

        AdvanceTo(26);

        Assert.Equal([Seconds(0), Seconds(10), Seconds(15), Seconds(20), Seconds(25)], _client.Posts.Select(p => p.At));
    }

    [Fact]
    public void Run_FailedPost_IsRetriedWithBackoffWithTheSameWindow()
    {
        _client.OnPost = (_, attempt) => attempt is 2 or 3
            ? Task.FromException<StatsResponse>(new HttpRequestException("down"))
            : Task.FromResult(new StatsResponse(TimeSpan.FromSeconds(10)));
        _counters.ConnectionOpened("TCP");
        Start();

        AdvanceTo(21);

        Assert.Equal([Seconds(0), Seconds(10), Seconds(10.1), Seconds(10.3), Seconds(20)], _client.Posts.Select(p => p.At));
        Assert.All(_client.Posts.Skip(1).Take(3), post => Assert.Equal(1, post.Stats.ConnectionCount));
        Assert.Equal(0, _client.Posts[4].Stats.ConnectionCount);
        Assert.Equal(2, _events.Count);
        Assert.Equal(2, _logger.At(LogLevel.Warning).Count);
    }

    [Fact]
    public void Run_FailedFirstPost_IsRetried()
    {
        _client.OnPost = (_, attempt) => attempt == 1
            ? Task.FromException<StatsResponse>(new HttpRequestException("down"))
            : Task.FromResult(new StatsResponse(TimeSpan.FromSeconds(10)));
        Start();

        AdvanceTo(11);

        Assert.Equal([Seconds(0), Seconds(0.1), Seconds(10.1)], _client.Posts.Select(p => p.At));
    }

    [Fact]
    public void Run_PostStillRetrying_SkipsTicksAndCountsGoToTheNextWindow()
    {
        var slow = new TaskCompletionSource<StatsResponse>();
        _client.OnPost = (_, attempt) => attempt == 2 ? slow.Task : Task.FromResult(new StatsResponse(TimeSpan.FromSeconds(10)));
        Start();
        At(15, () => _counters.ConnectionOpened("TCP"));
        At(22, () => _counters.ConnectionOpened("TCP"));
        At(25, () => slow.SetResult(new StatsResponse(TimeSpan.FromSeconds(10))));

        AdvanceTo(31);

        Assert.Equal([Seconds(0), Seconds(10), Seconds(30)], _client.Posts.Select(p => p.At));
        Assert.Equal(2, _client.Posts[2].Stats.ConnectionCount);
    }

    [Fact]
    public void Run_Windows_ResetCountersButKeepSessionGauges()
    {
        var session = _counters.SessionStarted(SessionKind.VsCode);
        Start();
        At(5, () =>
        {
            _counters.ConnectionOpened("TCP");
            _counters.ConnectionOpened("TCP");
            _counters.ConnectionOpened("UDP");
            _counters.AddReceived(100);
            _counters.AddSent(40);
            _counters.AddSent(2);
        });
        At(25, session.Dispose);

        AdvanceTo(30);

        var windows = _client.Posts.Skip(1).Select(p => p.Stats).ToArray();
        Assert.Equal(3, windows[0].ConnectionCount);
        Assert.Equal(new Dictionary<string, long> { ["TCP"] = 2, ["UDP"] = 1 }, windows[0].ConnectionsByProto);
        Assert.Equal((100L, 1L, 42L, 2L), (windows[0].RxBytes, windows[0].RxPackets, windows[0].TxBytes, windows[0].TxPackets));
        Assert.Equal(0, windows[1].ConnectionCount);
        Assert.Empty(windows[1].ConnectionsByProto!);
        Assert.Equal((0L, 0L, 0L, 0L), (windows[1].RxBytes, windows[1].RxPackets, windows[1].TxBytes, windows[1].TxPackets));
        Assert.Equal([1L, 1L, 0L], windows.Select(w => w.SessionCountVsCode));
    }

    [Fact]
    public void Run_ZeroInterval_PausesReporting()
    {
        _client.OnPost = (_, _) => Task.FromResult(new StatsResponse(TimeSpan.Zero));
        Start();

        AdvanceTo(120);

        Assert.Single(_client.Posts);
        Assert.Contains("stats reporting pauses", Assert.Single(_logger.At(LogLevel.Warning)), StringComparison.Ordinal);
    }

    [Fact]
    public void Run_Disposed_StopsReporting()
    {
        var subscription = Start();
        AdvanceTo(15);

        subscription.Dispose();
        AdvanceTo(60);

        Assert.Equal(2, _client.Posts.Count);
    }

    private static TimeSpan Seconds(double seconds) => TimeSpan.FromSeconds(seconds);

    private static DateTimeOffset Time(double seconds) => new(Seconds(seconds).Ticks, TimeSpan.Zero);

    private IDisposable Start()
        => StatsReporting
            .Run(_counters, _client, _scheduler, _logger)
            .Subscribe(_events.Add, error => throw new InvalidOperationException("stats stream failed", error));

    private void At(double seconds, Action action) => _scheduler.Schedule(Time(seconds), action);

    private void AdvanceTo(double seconds) => _scheduler.AdvanceTo(Time(seconds));
}
