using Agent.Reactive;
using Agent.Reactive.Connection;
using Agent.Reactive.Effects;
using Agent.Reactive.Linq;
using Agent.Reactive.Monitoring;
using Agent.Specs.Fakes.Connection;
using Agent.Specs.Utilities;
using Microsoft.Reactive.Testing;

namespace Agent.Specs.Reactive.Connection;

/// <summary>The connection loop given several control planes (replicas): tried in turn, with the same backoff as one.</summary>
public sealed class ConnectionLoopEndpointsSpecs
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

    public ConnectionLoopEndpointsSpecs() => _plane = new FakeControlPlane(_scheduler);

    [Fact]
    public void Connections_ThreeControlPlanesAllDown_AttemptsCycleThroughThemWithOneBackoffStepPerAttempt()
    {
        var endpoints = Endpoints(3, down: [0, 1, 2]);
        using var subscription = Subscribe(endpoints);
        _scheduler.AdvanceTo(Seconds(4));

        Assert.Empty(_connections);
        Assert.Equal([0, 0.1, 0.3, 0.7, 1.5, 3.1], _plane.TokenExchanges.Select(ToSeconds));
        Assert.Equal([0, 1, 2, 0, 1, 2], endpoints.Chosen.Select(choice => choice.Index));
        Assert.Equal(_plane.TokenExchanges, endpoints.Chosen.Select(choice => choice.At));
        Assert.Equal(5, _logger.Entries.Count(entry => entry.EventId.Id == 6540));
    }

    [Fact]
    public void Connections_FirstDownSecondUp_ConnectsToTheSecondAndStaysThere()
    {
        var endpoints = Endpoints(3, down: [0]);
        using var subscription = Subscribe(endpoints);
        _scheduler.AdvanceTo(Seconds(65));

        var connection = Assert.Single(_connections);
        Assert.Equal(At(0.1), connection.ConnectedAt);
        Assert.Equal([0, 1], endpoints.Chosen.Select(choice => choice.Index));
        Assert.Equal([0.1, 10.1, 20.1, 30.1, 40.1, 50.1, 60.1], _plane.ManifestFetches.Select(ToSeconds)); // all on the second
        var connected = Assert.Single(_events.OfType<ConnectionChanged>(), e => e.State == ConnectionState.Connected);
        Assert.Equal("http://cp1.example/", connected.Reason);
        Assert.Equal(
            ["http://cp0.example/", "http://cp1.example/"],
            _events.OfType<ConnectionChanged>().Where(e => e.State == ConnectionState.Connecting).Select(e => e.Reason));
        var switched = Assert.Single(_logger.Entries, entry => entry.EventId.Id == 6540);
        Assert.Contains("http://cp1.example/", switched.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Connections_SessionBreaks_NextAttemptGoesToTheNextControlPlane()
    {
        var endpoints = Endpoints(2, down: []);
        using var subscription = Subscribe(endpoints);
        _scheduler.AdvanceTo(Seconds(15));
        endpoints.SetDown(0, down: true);
        _scheduler.AdvanceTo(Seconds(25));

        Assert.Equal([At(0), At(20.1)], _connections.Select(c => c.ConnectedAt));
        Assert.Equal([(At(0), 0), (At(20.1), 1)], endpoints.Chosen);
        Assert.Equal(
            [ConnectionState.Connecting, ConnectionState.Connected, ConnectionState.Disconnected, ConnectionState.Connecting, ConnectionState.Connected],
            _events.OfType<ConnectionChanged>().Select(e => e.State));
    }

    [Fact]
    public void Connections_SecondBreaksToo_CyclesBackToTheFirst()
    {
        var endpoints = Endpoints(2, down: [0]);
        using var subscription = Subscribe(endpoints);
        _scheduler.AdvanceTo(Seconds(5));
        endpoints.SetDown(0, down: false);
        endpoints.SetDown(1, down: true);
        _scheduler.AdvanceTo(Seconds(15));

        // The broken session is the second failure in a row (under a healthy minute): its retry waits 200 ms.
        Assert.Equal([At(0.1), At(10.3)], _connections.Select(c => c.ConnectedAt));
        Assert.Equal([0, 1, 0], endpoints.Chosen.Select(choice => choice.Index));
    }

    [Fact]
    public void Connections_OneControlPlane_NeverChoosesAndItsEventsNameNone()
    {
        var endpoints = Endpoints(1, down: [0]);
        _plane.Failure = new HttpRequestException("connection refused");
        using var subscription = Subscribe(endpoints);
        _scheduler.AdvanceTo(Seconds(1));

        Assert.Empty(endpoints.Chosen);
        Assert.All(_events.OfType<ConnectionChanged>().Where(e => e.State == ConnectionState.Connecting), e => Assert.Null(e.Reason));
        Assert.DoesNotContain(_logger.Entries, entry => entry.EventId.Id == 6540);
    }

    private static long Seconds(double seconds) => TimeSpan.FromSeconds(seconds).Ticks;

    private static DateTimeOffset At(double seconds) => new(TimeSpan.FromSeconds(seconds).Ticks, TimeSpan.Zero);

    private static double ToSeconds(DateTimeOffset at) => Math.Round(TimeSpan.FromTicks(at.UtcTicks).TotalSeconds, 6);

    private FakeControlPlaneEndpoints Endpoints(int count, int[] down)
    {
        var endpoints = new FakeControlPlaneEndpoints(_plane, _scheduler, count);
        foreach (var index in down)
            endpoints.SetDown(index, down: true);
        return endpoints;
    }

    private IDisposable Subscribe(IControlPlaneEndpoints endpoints)
        => ConnectionLoop.Connections(_plane, Environment, Options, _scheduler, _logger, endpoints).Products(_events.Add).Subscribe(_connections.Add);
}
