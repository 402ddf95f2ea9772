using System.Reactive.Concurrency;
using System.Reactive.Linq;
using Agent.Reactive.Apps;
using Agent.Reactive.Monitoring;
using Agent.Reactive.Protocol;
using Agent.Specs.Fakes.Apps;
using Agent.Specs.Utilities;
using Microsoft.Extensions.Logging;

namespace Agent.Specs.Reactive.Apps;

public sealed class AppHealthReportingSpecs
{
    private static readonly Guid Disabled = Guid.Parse("00000000-0000-0000-0000-00000000000d");
    private static readonly Guid First = Guid.Parse("00000000-0000-0000-0000-000000000001");
    private static readonly Guid Second = Guid.Parse("00000000-0000-0000-0000-000000000002");
    private static readonly Guid Third = Guid.Parse("00000000-0000-0000-0000-000000000003");

    private readonly HistoricalScheduler _scheduler = new();
    private readonly RecordingLogger _logger = new();
    private readonly List<AppHealthChanged> _events = [];
    private readonly AppHealthControlPlane _client;
    private Func<Uri, int, CancellationToken, Task<int>> _answer = (_, _, _) => Task.FromResult(200);
    private ScriptedProbe? _probe;
    private bool _completed;

    public AppHealthReportingSpecs() => _client = new AppHealthControlPlane(_scheduler);

    private ScriptedProbe Probe => _probe ??= new ScriptedProbe(_scheduler, (url, number, ct) => _answer(url, number, ct));

    [Fact]
    public void Run_ProbeAnswers200_AppBecomesHealthyAndDisabledAppStaysOut()
    {
        Start(DisabledApp(Disabled), App(First, interval: 1, threshold: 1));

        AdvanceTo(2);

        var post = Assert.Single(_client.Posts);
        Assert.Equal(new Dictionary<Guid, AppHealth> { [First] = AppHealth.Healthy }, post.Healths);
        Assert.Equal(Seconds(1), post.At);
        Assert.Equal(AppHealth.Healthy, Assert.Single(_events).Healths[First]);
        Assert.All(Probe.Requests, request => Assert.Equal(new Uri("http://localhost/1"), request.Url));
    }

    [Fact]
    public void Run_ProbeAnswers500_AppBecomesUnhealthyOnTheSecondFailureWithThresholdOne()
    {
        _answer = (_, _, _) => Task.FromResult(500);
        Start(App(First, interval: 1, threshold: 1));

        AdvanceTo(1.9);
        Assert.Empty(_client.Posts);
        AdvanceTo(2);

        Assert.Equal(AppHealth.Unhealthy, Assert.Single(_client.Posts).Healths[First]);
    }

    [Fact]
    public void Run_ProbeAnswers499_CountsAsHealthy()
    {
        _answer = (_, _, _) => Task.FromResult(499);
        Start(App(First, interval: 1, threshold: 1));

        AdvanceTo(5);

        Assert.Equal(AppHealth.Healthy, Assert.Single(_client.Posts).Healths[First]);
    }

    [Fact]
    public void Run_ThresholdThree_UnhealthyOnlyOnTheFourthConsecutiveFailure()
    {
        _answer = (_, _, _) => Task.FromResult(503);
        Start(App(First, interval: 1, threshold: 3));

        AdvanceTo(3.9);
        Assert.Empty(_client.Posts);
        AdvanceTo(4);

        Assert.Equal(AppHealth.Unhealthy, Assert.Single(_client.Posts).Healths[First]);
        Assert.Equal(4, Probe.Requests.Count);
    }

    [Fact]
    public void Run_SuccessBetweenFailures_ResetsTheCount()
    {
        _answer = (_, number, _) => Task.FromResult(number == 2 ? 200 : 500);
        Start(App(First, interval: 1, threshold: 1));

        AdvanceTo(3.5);

        Assert.Equal([AppHealth.Healthy], _client.Posts.Select(p => p.Healths[First]));
        AdvanceTo(5);
        Assert.Equal([AppHealth.Healthy, AppHealth.Unhealthy], _client.Posts.Select(p => p.Healths[First]));
    }

    [Fact]
    public void Run_ProbeOutlivesInterval_TimesOutAndCountsAsFailure()
    {
        _answer = (_, _, ct) => Probe.Hanging(ct);
        Start(App(First, interval: 2, threshold: 1));

        AdvanceTo(7);

        Assert.Equal(AppHealth.Unhealthy, Assert.Single(_client.Posts).Healths[First]);
        Assert.Equal([Seconds(2), Seconds(4), Seconds(6)], Probe.Requests.Select(r => r.At));
        Assert.All(Probe.Requests, request => Assert.Equal(Seconds(2), request.Timeout));
        Assert.Equal(2, Probe.Cancelled);
    }

    [Fact]
    public void Run_TransportError_CountsAsFailure()
    {
        _answer = (_, _, _) => Task.FromException<int>(new HttpRequestException("connection refused"));
        Start(App(First, interval: 1, threshold: 1));

        AdvanceTo(3);

        Assert.Equal(AppHealth.Unhealthy, Assert.Single(_client.Posts).Healths[First]);
    }

    [Fact]
    public void Run_IntervalOne_ProbesAtMostTwiceInTheFirstSecondAndOncePerSecondAfter()
    {
        Start(App(First, interval: 1, threshold: 1));

        AdvanceTo(1);
        Assert.InRange(Probe.Requests.Count, 1, 2);
        AdvanceTo(10);
        Assert.Equal(10, Probe.Requests.Count);
    }

    [Fact]
    public void Run_Recovery_OneSuccessMakesUnhealthyAppHealthy()
    {
        _answer = (_, number, _) => Task.FromResult(number <= 2 ? 500 : 200);
        Start(App(First, interval: 1, threshold: 1));

        AdvanceTo(6);

        Assert.Equal([AppHealth.Unhealthy, AppHealth.Healthy], _client.Posts.Select(p => p.Healths[First]));
        Assert.Equal([Seconds(2), Seconds(3)], _client.Posts.Select(p => p.At));
        Assert.Equal(2, _events.Count);
    }

    [Fact]
    public void Run_UnchangedHealth_IsNeverPosted()
    {
        Start(App(First, interval: 1, threshold: 1, health: AppHealth.Healthy));

        AdvanceTo(10);

        Assert.Equal(10, Probe.Requests.Count);
        Assert.Empty(_client.Posts);
    }

    [Fact]
    public void Run_ChangesInTheSameSecond_ArePostedTogetherAsTheWholeMap()
    {
        Start(App(First, interval: 1, threshold: 1), App(Second, interval: 1, threshold: 1), App(Third, interval: 0, threshold: 1));

        AdvanceTo(5);

        var post = Assert.Single(_client.Posts);
        Assert.Equal(
            new Dictionary<Guid, AppHealth> { [First] = AppHealth.Healthy, [Second] = AppHealth.Healthy, [Third] = AppHealth.Initializing },
            post.Healths);
    }

    [Fact]
    public void Run_FlappingApps_PostAtMostOncePerSecond()
    {
        _answer = (url, number, _) => Task.FromResult((number + url.AbsolutePath.Length) % 3 == 0 ? 200 : 500);
        Start(App(First, interval: 1, threshold: 1), App(Second, interval: 1, threshold: 1, path: "/second"));

        AdvanceTo(30);

        Assert.True(_client.Posts.Count >= 5, $"expected the flapping to be reported, got {_client.Posts.Count} posts");
        Assert.All(_client.Posts.Zip(_client.Posts.Skip(1)), pair => Assert.True(pair.Second.At - pair.First.At >= Seconds(1)));
        Assert.All(_client.Posts.Zip(_client.Posts.Skip(1)), pair => Assert.NotEqual(pair.First.Healths, pair.Second.Healths));
    }

    [Fact]
    public void Run_PostFails_IsLoggedAndLaterChangesArePosted()
    {
        _answer = (_, number, _) => Task.FromResult(number <= 2 ? 500 : 200);
        _client.OnPost = (_, _) => _client.Posts.Count == 1 ? Task.FromException(new HttpRequestException("down")) : Task.CompletedTask;
        Start(App(First, interval: 1, threshold: 1));

        AdvanceTo(6);

        Assert.Equal(2, _client.Posts.Count);
        Assert.Equal(AppHealth.Healthy, Assert.Single(_events).Healths[First]);
        Assert.Contains("failed to report app health", Assert.Single(_logger.At(LogLevel.Error)), StringComparison.Ordinal);
        Assert.False(_completed);
    }

    [Fact]
    public void Run_NewerMap_ReplacesAPostInFlight()
    {
        var cancelled = 0;
        _answer = (_, number, _) => Task.FromResult(number <= 2 ? 500 : 200);
        _client.OnPost = (_, ct) => _client.Posts.Count == 1 ? Pending.UntilCancelled(ct, () => cancelled++) : Task.CompletedTask;
        Start(App(First, interval: 1, threshold: 1));

        AdvanceTo(6);

        Assert.Equal([AppHealth.Unhealthy, AppHealth.Healthy], _client.Posts.Select(p => p.Healths[First]));
        Assert.Equal(1, cancelled);
        Assert.Equal(AppHealth.Healthy, Assert.Single(_events).Healths[First]);
    }

    [Fact]
    public void Run_NoAppsOrAllDisabled_CompletesWithoutProbing()
    {
        Start();
        Assert.True(_completed);

        _completed = false;
        Start(DisabledApp(First), DisabledApp(Second));
        AdvanceTo(10);

        Assert.True(_completed);
        Assert.Empty(Probe.Requests);
    }

    [Fact]
    public void Run_AppsWithoutUsableHealthcheck_AreNeverProbed()
    {
        Start(
            App(First, interval: 1, threshold: 1) with { Healthcheck = new Healthcheck { Url = string.Empty, Interval = 1, Threshold = 1 } },
            App(Second, interval: 0, threshold: 1),
            App(Third, interval: 1, threshold: 0));

        AdvanceTo(10);

        Assert.Empty(Probe.Requests);
        Assert.Empty(_client.Posts);
    }

    private static WorkspaceApp App(Guid id, int interval, int threshold, AppHealth health = AppHealth.Initializing, string? path = null)
        => new()
        {
            Id = id,
            Slug = "app-" + id.ToString()[^1],
            Health = health,
            Healthcheck = new Healthcheck
            {
                Url = "http://localhost" + (path ?? "/" + id.ToString()[^1]),
                Interval = interval,
                Threshold = threshold,
            },
        };

    private static WorkspaceApp DisabledApp(Guid id) => new() { Id = id, Slug = "disabled", Health = AppHealth.Disabled };

    private static TimeSpan Seconds(double seconds) => TimeSpan.FromSeconds(seconds);

    private void Start(params WorkspaceApp[] apps)
        => AppHealthReporting
            .Run(apps, Probe, _client, _scheduler, _logger)
            .Subscribe(_events.Add, error => throw new InvalidOperationException("app health stream failed", error), () => _completed = true);

    private void AdvanceTo(double seconds) => _scheduler.AdvanceTo(new DateTimeOffset(Seconds(seconds).Ticks, TimeSpan.Zero));
}
