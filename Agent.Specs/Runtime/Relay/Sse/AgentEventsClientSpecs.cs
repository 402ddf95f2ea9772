using System.Net;
using System.Reactive.Concurrency;
using Agent.Reactive.Effects;
using Agent.Reactive.Monitoring;
using Agent.Reactive.Protocol;
using Agent.Runtime.Commands.Monitor;
using Agent.Runtime.Relay.Sse;
using Agent.Specs.Fakes.Monitor;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agent.Specs.Runtime.Relay.Sse;

public sealed class AgentEventsClientSpecs : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly HttpClient _http = new() { Timeout = Timeout.InfiniteTimeSpan };
    private FakeEventsServer _server = null!;

    public async Task InitializeAsync() => _server = await FakeEventsServer.StartAsync();

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Events_SnapshotThenLive_ArriveInOrder()
    {
        _server.Snapshot.AddRange([
            new StartupReported(T0, "v1.2.3", "/home/coder/project", "envbox"),
            new LifecycleChanged(T0, LifecycleState.Starting),
            new MetadataCollected(T0, "cpu", "CPU", new MetadataResult(T0, 0, "12%", string.Empty)),
        ]);
        using var client = new AgentEventsClient(_http, NullLogger.Instance);
        var events = new MonitorRecorder<AgentEvent>();
        using var subscription = client.Events(_server.BaseUrl, FakeEventsServer.Token, "main", DefaultScheduler.Instance).Subscribe(events);

        await events.WaitForCountAsync(3);
        _server.Publish(new LifecycleChanged(T0.AddSeconds(5), LifecycleState.Ready));
        _server.Publish(new LogLine(T0.AddSeconds(6), LogSources.Startup, "hello"));
        await events.WaitForCountAsync(5);

        Assert.Equal(
            [
                .. _server.Snapshot,
                new LifecycleChanged(T0.AddSeconds(5), LifecycleState.Ready),
                new LogLine(T0.AddSeconds(6), LogSources.Startup, "hello"),
            ],
            events.Values);
        Assert.Null(events.Error);
    }

    [Fact]
    public async Task Events_ALogLineManyReadsLong_ArrivesWholeWithMultiByteCharacters()
    {
        var line = string.Concat(Enumerable.Repeat("ünïcödé €vent ", 3 * AgentEventsClient.ReadBufferBytes / 10));
        _server.Snapshot.Add(new LogLine(T0, LogSources.Startup, line));
        using var client = new AgentEventsClient(_http, NullLogger.Instance);
        var events = new MonitorRecorder<AgentEvent>();
        using var subscription = client.Events(_server.BaseUrl, FakeEventsServer.Token, "main", DefaultScheduler.Instance).Subscribe(events);

        await events.WaitForCountAsync(1);

        Assert.Equal(new LogLine(T0, LogSources.Startup, line), events.Values[0]);
        Assert.True(System.Text.Encoding.UTF8.GetByteCount(line) > 4 * AgentEventsClient.ReadBufferBytes);
    }

    [Fact]
    public async Task Events_AppHealthAndStats_AreDeserialized()
    {
        var app = Guid.NewGuid();
        _server.Snapshot.Add(new AppHealthChanged(T0, new Dictionary<Guid, AppHealth> { [app] = AppHealth.Healthy }));
        _server.Snapshot.Add(new StatsReported(T0, new Stats { RxBytes = 42, SessionCountSsh = 2 }));
        using var client = new AgentEventsClient(_http, NullLogger.Instance);
        var events = new MonitorRecorder<AgentEvent>();
        using var subscription = client.Events(_server.BaseUrl, FakeEventsServer.Token, "main", DefaultScheduler.Instance).Subscribe(events);

        await events.WaitForCountAsync(2);

        Assert.Equal(AppHealth.Healthy, Assert.IsType<AppHealthChanged>(events.Values[0]).Healths[app]);
        var stats = Assert.IsType<StatsReported>(events.Values[1]).Stats;
        Assert.Equal((42, 2), (stats.RxBytes, stats.SessionCountSsh));
    }

    [Fact]
    public async Task Events_ServerDropsStream_ReconnectsAndReceivesSnapshotAgain()
    {
        _server.Snapshot.Add(new LifecycleChanged(T0, LifecycleState.Ready));
        using var client = new AgentEventsClient(_http, NullLogger.Instance);
        var statuses = new MonitorRecorder<EventStreamStatus>();
        using var statusSubscription = client.Status.Subscribe(statuses);
        var events = new MonitorRecorder<AgentEvent>();
        using var subscription = client.Events(_server.BaseUrl, FakeEventsServer.Token, "main", DefaultScheduler.Instance).Subscribe(events);
        await events.WaitForCountAsync(1);

        _server.DropAll();
        await events.WaitForCountAsync(2);
        _server.Publish(new LogLine(T0, LogSources.Startup, "after the drop"));
        await events.WaitForCountAsync(3);

        Assert.Equal(2, _server.StreamsOpened);
        Assert.Equal(events.Values[0], events.Values[1]);
        Assert.Equal(
            [EventStreamState.Connecting, EventStreamState.Connected, EventStreamState.Lost, EventStreamState.Connecting, EventStreamState.Connected],
            statuses.Values.Select(status => status.State));
        var lost = statuses.Values[2];
        Assert.Contains("closed the event stream", lost.Reason, StringComparison.Ordinal);
        Assert.InRange(lost.RetryIn!.Value, TimeSpan.FromMilliseconds(80), TimeSpan.FromMilliseconds(120));
    }

    [Fact]
    public async Task Events_BadToken_FailsWithTheServersMessageAndNoRetry()
    {
        using var client = new AgentEventsClient(_http, NullLogger.Instance);
        var statuses = new MonitorRecorder<EventStreamStatus>();
        using var statusSubscription = client.Status.Subscribe(statuses);
        var events = new MonitorRecorder<AgentEvent>();
        using var subscription = client.Events(_server.BaseUrl, "wrong-token", "main", DefaultScheduler.Instance).Subscribe(events);

        await events.WaitUntilAsync(recorder => recorder.Error is not null);

        var error = Assert.IsType<ControlPlaneException>(events.Error);
        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
        Assert.Contains("refused the user token", error.Message, StringComparison.Ordinal);
        Assert.Contains("Invalid session token.", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, _server.Requests);
        Assert.Equal([EventStreamState.Connecting, EventStreamState.Failed], statuses.Values.Select(status => status.State));
    }

    [Fact]
    public async Task Events_UnknownAgent_FailsWith404()
    {
        using var client = new AgentEventsClient(_http, NullLogger.Instance);
        var events = new MonitorRecorder<AgentEvent>();
        using var subscription = client.Events(_server.BaseUrl, FakeEventsServer.Token, "nobody", DefaultScheduler.Instance).Subscribe(events);

        await events.WaitUntilAsync(recorder => recorder.Error is not null);

        var error = Assert.IsType<ControlPlaneException>(events.Error);
        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
        Assert.Contains("Agent not found.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Events_AnswerIsNotAnEventStream_FailsWithoutRetry()
    {
        _server.WrongContentType = "text/html";
        using var client = new AgentEventsClient(_http, NullLogger.Instance);
        var events = new MonitorRecorder<AgentEvent>();
        using var subscription = client.Events(_server.BaseUrl, FakeEventsServer.Token, "main", DefaultScheduler.Instance).Subscribe(events);

        await events.WaitUntilAsync(recorder => recorder.Error is not null);

        Assert.Contains("text/html, not an event stream", events.Error!.Message, StringComparison.Ordinal);
        Assert.Equal(1, _server.Requests);
    }

    [Fact]
    public async Task Events_OneEventIsNotJson_IsLoggedAndSkipped()
    {
        var log = new StringWriter();
        using var client = new AgentEventsClient(_http, new TextWriterLogger(log, LogLevel.Warning));
        var events = new MonitorRecorder<AgentEvent>();
        using var subscription = client.Events(_server.BaseUrl, FakeEventsServer.Token, "main", DefaultScheduler.Instance).Subscribe(events);
        await _server.StreamsOpenedAsync(1);

        _server.SendRaw("event: log\ndata: {not json\n\n");
        _server.SendRaw("event: mystery\ndata: {\"type\":\"mystery\",\"at\":\"2024-05-01T12:00:00Z\"}\n\n");
        _server.Publish(new LogLine(T0, LogSources.Startup, "still here"));
        await events.WaitForCountAsync(1);

        Assert.Equal(new LogLine(T0, LogSources.Startup, "still here"), Assert.Single(events.Values));
        Assert.Null(events.Error);
        var lines = log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("warn: Skipped a 'log' event", lines[0], StringComparison.Ordinal);
        Assert.Contains("{not json", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("warn: Skipped a 'mystery' event", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Events_StreamStaysSilent_CountsAsLostAndReconnects()
    {
        using var client = new AgentEventsClient(_http, NullLogger.Instance, idleTimeout: TimeSpan.FromMilliseconds(300));
        var statuses = new MonitorRecorder<EventStreamStatus>();
        using var statusSubscription = client.Status.Subscribe(statuses);
        using var subscription = client.Events(_server.BaseUrl, FakeEventsServer.Token, "main", DefaultScheduler.Instance).Subscribe(_ => { });

        await statuses.WaitUntilAsync(recorder => recorder.Values.Any(status => status.State == EventStreamState.Lost));
        await _server.StreamsOpenedAsync(2);

        var lost = statuses.Values.First(status => status.State == EventStreamState.Lost);
        Assert.Contains("nothing from the control plane", lost.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Events_Unsubscribed_ClosesTheStream()
    {
        using var client = new AgentEventsClient(_http, NullLogger.Instance);
        var subscription = client.Events(_server.BaseUrl, FakeEventsServer.Token, "main", DefaultScheduler.Instance).Subscribe(_ => { });
        await _server.StreamsOpenedAsync(1);

        subscription.Dispose();

        await _server.OpenStreamsAsync(0);
    }

    [Theory]
    [InlineData("http://cp.example", "main", "http://cp.example/api/v2/workspaceagents/main/events")]
    [InlineData("http://cp.example/", "main", "http://cp.example/api/v2/workspaceagents/main/events")]
    [InlineData("https://cp.example/coder", "dev box", "https://cp.example/coder/api/v2/workspaceagents/dev%20box/events")]
    [InlineData("https://cp.example/coder/", "a/b", "https://cp.example/coder/api/v2/workspaceagents/a%2Fb/events")]
    public void EventsUrl_JoinsBaseAndEscapedName(string baseUrl, string agent, string expected)
        => Assert.Equal(expected, AgentEventsClient.EventsUrl(new Uri(baseUrl), agent).AbsoluteUri);
}
