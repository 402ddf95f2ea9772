using Agent.Reactive;
using Agent.Reactive.Connection;
using Agent.Reactive.Effects;
using Agent.Reactive.Linq;
using Agent.Reactive.Monitoring;
using Agent.Reactive.Protocol;
using Agent.Specs.Fakes.Connection;
using Agent.Specs.Utilities;
using Microsoft.Extensions.Logging;
using Microsoft.Reactive.Testing;

namespace Agent.Specs.Reactive.Connection;

public sealed class ConnectionLoopSpecs
{
    private const string Home = "/home/coder";

    private static readonly AgentEnvironment Environment = new(
        Home, name => name == "HOME" ? Home : null, "v0.24.0", "envbox", "/tmp/agent-logs", "/usr/bin/agent", "coder");

    // No jitter, so the retry times are exact.
    private static readonly ConnectionLoopOptions Options = ConnectionLoopOptions.Default with { Backoff = BackoffPolicy.Reconnect with { Jitter = 0 } };

    private readonly TestScheduler _scheduler = new();
    private readonly FakeControlPlane _plane;
    private readonly List<AgentEvent> _events = [];
    private readonly List<ControlPlaneConnection> _connections = [];
    private readonly RecordingLogger _logger = new();

    public ConnectionLoopSpecs() => _plane = new FakeControlPlane(_scheduler);

    [Fact]
    public void Options_Default_Polls10sAndReconnectsWithTheReconnectPolicy()
    {
        Assert.Equal(TimeSpan.FromSeconds(10), ConnectionLoopOptions.Default.ManifestPollInterval);
        Assert.Same(BackoffPolicy.Reconnect, ConnectionLoopOptions.Default.Backoff);
    }

    [Fact]
    public void Connections_NotSubscribed_DoesNothing()
    {
        _ = Loop();
        _scheduler.AdvanceTo(Seconds(30));

        Assert.Empty(_plane.TokenExchanges);
        Assert.Empty(_events);
    }

    [Fact]
    public void Connections_ControlPlaneAnswers_EmitsOneConnectionAndReportsTheExpandedDirectory()
    {
        using var subscription = Subscribe();
        _scheduler.AdvanceTo(Seconds(65));

        var connection = Assert.Single(_connections);
        Assert.Equal(FakeControlPlane.SessionToken, connection.SessionToken);
        Assert.Equal("/home/coder/project", connection.Manifest.Directory);
        Assert.Equal(At(0), connection.ConnectedAt);
        Assert.Equal([new StartupRequest("v0.24.0", "/home/coder/project", "envbox")], _plane.Startups);
        Assert.Single(_plane.TokenExchanges);
        Assert.Equal([0, 10, 20, 30, 40, 50, 60], _plane.ManifestFetches.Select(ToSeconds));
    }

    [Fact]
    public void Connections_ManifestChangesWhileConnected_EmitsASecondOneOnTheSameConnection()
    {
        using var subscription = Subscribe();
        _scheduler.AdvanceTo(Seconds(15));
        _plane.Manifest = _plane.Manifest with { Directory = "$HOME/other", StartupScript = "make" };
        _scheduler.AdvanceTo(Seconds(45));

        Assert.Equal(2, _connections.Count);
        Assert.Equal("/home/coder/other", _connections[1].Manifest.Directory);
        Assert.Equal("make", _connections[1].Manifest.StartupScript);
        Assert.Equal(At(0), _connections[1].ConnectedAt);
        Assert.Single(_plane.TokenExchanges);
        Assert.Single(_plane.Startups);
    }

    [Fact]
    public void Connections_ManifestReplacedByAnEqualOne_EmitsNothingNew()
    {
        _plane.Manifest = new Manifest
        {
            Directory = "~/project",
            Apps = [new WorkspaceApp { Slug = "web" }],
            EnvironmentVariables = new Dictionary<string, string> { ["A"] = "1" },
        };
        using var subscription = Subscribe();
        _scheduler.AdvanceTo(Seconds(5));

        // New list and dictionary instances with the same content: record equality would call them different.
        _plane.Manifest = new Manifest
        {
            Directory = "~/project",
            Apps = [new WorkspaceApp { Slug = "web" }],
            EnvironmentVariables = new Dictionary<string, string> { ["A"] = "1" },
        };
        _scheduler.AdvanceTo(Seconds(35));

        Assert.Single(_connections);
        Assert.Equal(4, _plane.ManifestFetches.Count); // at 0 (connect), 10, 20, 30
    }

    [Fact]
    public void Connections_ControlPlaneDown_RetriesAfter100ms200ms400msUpTo10s()
    {
        _plane.Failure = new HttpRequestException("connection refused");
        using var subscription = Subscribe();
        _scheduler.AdvanceTo(Seconds(35));

        Assert.Empty(_connections);
        Assert.Equal([0, 0.1, 0.3, 0.7, 1.5, 3.1, 6.3, 12.7, 22.7, 32.7], _plane.TokenExchanges.Select(ToSeconds));
    }

    [Fact]
    public void Connections_HealthyForOverAMinuteThenFailure_BackoffRestartsAt100ms()
    {
        _plane.Failure = new HttpRequestException("connection refused");
        using var subscription = Subscribe();
        _scheduler.AdvanceTo(Seconds(0.5));
        _plane.Failure = null;
        _scheduler.AdvanceTo(Seconds(75));
        _plane.Failure = new HttpRequestException("connection reset");
        _scheduler.AdvanceTo(Seconds(81.2));

        // Attempts at 0, 0.1, 0.3 fail; 0.7 connects; the poll at 80.7 fails; retries 100 ms then 200 ms later.
        Assert.Equal([0, 0.1, 0.3, 0.7, 80.8, 81.0], _plane.TokenExchanges.Select(ToSeconds));
    }

    [Fact]
    public void Connections_HealthyForLessThanAMinuteThenFailure_BackoffKeepsGrowing()
    {
        _plane.Failure = new HttpRequestException("connection refused");
        using var subscription = Subscribe();
        _scheduler.AdvanceTo(Seconds(0.5));
        _plane.Failure = null;
        _scheduler.AdvanceTo(Seconds(5));
        _plane.Failure = new HttpRequestException("connection reset");
        _scheduler.AdvanceTo(Seconds(12));

        Assert.Equal([0, 0.1, 0.3, 0.7, 11.5], _plane.TokenExchanges.Select(ToSeconds));
    }

    [Fact]
    public void Connections_ControlPlaneDrops_ReconnectsWithANewTokenAndConnection()
    {
        using var subscription = Subscribe();
        _scheduler.AdvanceTo(Seconds(25));
        _plane.Failure = new HttpRequestException("connection reset");
        _scheduler.AdvanceTo(Seconds(30.05));
        _plane.Failure = null;
        _scheduler.AdvanceTo(Seconds(45));

        Assert.Equal([0, 30.1], _plane.TokenExchanges.Select(ToSeconds));
        Assert.Equal(2, _connections.Count);
        Assert.Equal(At(30.1), _connections[1].ConnectedAt);
        Assert.Equal(2, _plane.Startups.Count);
        Assert.Equal([0, 10, 20, 30, 30.1, 40.1], _plane.ManifestFetches.Select(ToSeconds));
    }

    [Fact]
    public void Connections_Disposed_StopsPolling()
    {
        var subscription = Subscribe();
        _scheduler.AdvanceTo(Seconds(25));
        subscription.Dispose();
        _scheduler.AdvanceTo(Seconds(300));

        Assert.Equal([0, 10, 20], _plane.ManifestFetches.Select(ToSeconds));
        Assert.Single(_plane.TokenExchanges);
    }

    [Fact]
    public void Connections_DisposedDuringACall_CancelsIt()
    {
        _plane.HangExchange = true;
        var subscription = Subscribe();
        _scheduler.AdvanceTo(Seconds(1));
        Assert.Equal(0, _plane.Cancellations);

        subscription.Dispose();

        Assert.Equal(1, _plane.Cancellations);
        _scheduler.AdvanceTo(Seconds(60));
        Assert.Single(_plane.TokenExchanges);
        Assert.Empty(_connections);
    }

    [Fact]
    public void Connections_DisposedWhileWaitingToReconnect_NeverCallsAgain()
    {
        _plane.Failure = new HttpRequestException("connection refused");
        var subscription = Subscribe();
        _scheduler.AdvanceTo(Seconds(0.2));
        subscription.Dispose();
        _scheduler.AdvanceTo(Seconds(60));

        Assert.Equal([0, 0.1], _plane.TokenExchanges.Select(ToSeconds));
    }

    [Fact]
    public void Connections_FailConnectDrop_PublishesTheConnectionEventsInOrder()
    {
        _plane.Failure = new HttpRequestException("connection refused");
        using var subscription = Subscribe();
        _scheduler.AdvanceTo(Seconds(0.05));
        _plane.Failure = null;
        _scheduler.AdvanceTo(Seconds(5));
        _plane.Failure = new ControlPlaneException(System.Net.HttpStatusCode.BadGateway, "bad gateway");
        _scheduler.AdvanceTo(Seconds(10.15));

        AgentEvent[] expected =
        [
            new ConnectionChanged(At(0), ConnectionState.Connecting),
            new ConnectionChanged(At(0), ConnectionState.Disconnected, "connection refused"),
            new ConnectionChanged(At(0.1), ConnectionState.Connecting),
            new StartupReported(At(0.1), "v0.24.0", "/home/coder/project", "envbox"),
            new ConnectionChanged(At(0.1), ConnectionState.Connected),
            new ConnectionChanged(At(10.1), ConnectionState.Disconnected, "bad gateway"),
        ];
        Assert.Equal(expected, _events);
    }

    [Fact]
    public void Connections_FailuresAndReconnects_LogTheReasonButNeverTheToken()
    {
        _plane.Failure = new HttpRequestException("connection refused");
        using var subscription = Subscribe();
        _scheduler.AdvanceTo(Seconds(0.5));
        _plane.Failure = null;
        _scheduler.AdvanceTo(Seconds(5));
        _plane.Failure = new HttpRequestException("connection reset");
        _scheduler.AdvanceTo(Seconds(12));
        _plane.Failure = null;
        _scheduler.AdvanceTo(Seconds(30));

        var entries = _logger.Entries;
        Assert.Contains(entries, entry => entry.Level == LogLevel.Warning && entry.Text.Contains("connection refused", StringComparison.Ordinal));
        Assert.Contains(entries, entry => entry.Level == LogLevel.Warning && entry.Text.Contains("connection reset", StringComparison.Ordinal));
        Assert.Contains(entries, entry => entry.Level == LogLevel.Information && entry.Text.Contains("/home/coder/project", StringComparison.Ordinal));
        Assert.DoesNotContain(entries, entry => entry.Text.Contains(FakeControlPlane.SessionToken, StringComparison.Ordinal));
        Assert.DoesNotContain(FakeControlPlane.SessionToken, _connections[0].ToString(), StringComparison.Ordinal);
    }

    private static long Seconds(double seconds) => TimeSpan.FromSeconds(seconds).Ticks;

    private static DateTimeOffset At(double seconds) => new(TimeSpan.FromSeconds(seconds).Ticks, TimeSpan.Zero);

    private static double ToSeconds(DateTimeOffset at) => Math.Round(TimeSpan.FromTicks(at.UtcTicks).TotalSeconds, 6);

    private IObservable<PipelineOutput<ControlPlaneConnection>> Loop()
        => ConnectionLoop.Connections(_plane, Environment, Options, _scheduler, _logger);

    private IDisposable Subscribe() => Loop().Products(_events.Add).Subscribe(_connections.Add);
}
