using Agent.Reactive;
using Agent.Reactive.Linq;
using Agent.Reactive.Monitoring;
using Agent.Reactive.Relay;
using Agent.Reactive.Statistics;
using Agent.Specs.Fakes.Relay;
using Agent.Specs.Utilities;
using Microsoft.Reactive.Testing;

namespace Agent.Specs.Reactive.Relay;

public sealed class RelayLoopSpecs
{
    // No jitter, so the retry times are exact: 100 ms, 200 ms, 400 ms ...
    private static readonly RelayOptions Options = RelayOptions.Default with { Backoff = BackoffPolicy.Reconnect with { Jitter = 0 } };

    private readonly TestScheduler _scheduler = new();
    private readonly FakeRelayConnector _connector = new();
    private readonly AgentCounters _counters = new();
    private readonly List<RelayChanged> _changes = [];

    [Fact]
    public void Run_Connected_ReportsConnectedOnce()
    {
        using var loop = Subscribe();
        _scheduler.AdvanceBy(1);
        _connector.Connect();
        _scheduler.AdvanceBy(1);

        var change = Assert.Single(_changes);
        Assert.Equal(ConnectionState.Connected, change.State);
    }

    [Fact]
    public void Run_LinkLost_ReportsTheReasonAndReconnectsAfterTheBackoff()
    {
        using var loop = Subscribe();
        _scheduler.AdvanceBy(1);
        var link = _connector.Connect();
        _scheduler.AdvanceBy(1);

        link.Lose("agent went away");
        _scheduler.AdvanceBy(1);

        Assert.Equal(ConnectionState.Disconnected, _changes[^1].State);
        Assert.Equal("agent went away", _changes[^1].Reason);
        Assert.True(link.Disposed);
        Assert.Single(_connector.Attempts);

        _scheduler.AdvanceBy(TimeSpan.FromMilliseconds(99).Ticks);
        Assert.Single(_connector.Attempts);
        _scheduler.AdvanceBy(TimeSpan.FromMilliseconds(2).Ticks);
        Assert.Equal(2, _connector.Attempts.Count);
    }

    [Fact]
    public void Run_ControlPlaneClosesTheLinkNormally_ReconnectsToo()
    {
        using var loop = Subscribe();
        _scheduler.AdvanceBy(1);
        _connector.Connect().Close();
        _scheduler.AdvanceBy(TimeSpan.FromSeconds(1).Ticks);

        Assert.Equal(2, _connector.Attempts.Count);
        Assert.Equal("the control plane closed the relay", _changes.Single(c => c.State == ConnectionState.Disconnected).Reason);
    }

    [Fact]
    public void Run_ConnectFailsRepeatedly_BacksOffUpToTheMaximum()
    {
        using var loop = Subscribe();
        for (var i = 0; i < 12; i++)
        {
            _scheduler.AdvanceBy(1);
            _connector.Attempts[^1].SetException(new IOException("connection refused"));
            _scheduler.AdvanceBy(1);
            _scheduler.AdvanceBy(BackoffPolicy.Reconnect.Maximum.Ticks);
        }

        Assert.Equal(13, _connector.Attempts.Count);
        Assert.All(_changes, c => Assert.Equal(ConnectionState.Disconnected, c.State));
        Assert.Equal(12, _changes.Count);
    }

    [Fact]
    public void Run_Connected_PingsEveryIntervalIntoTheLatencyMedian()
    {
        using var loop = Subscribe();
        _scheduler.AdvanceBy(1);
        var link = _connector.Connect();
        _scheduler.AdvanceBy(1);

        _scheduler.AdvanceBy(Options.PingInterval.Ticks * 3);

        Assert.Equal(3, link.Pings);
        Assert.Equal(12, _counters.TakeWindow().ConnectionMedianLatencyMs);
    }

    [Fact]
    public void Run_PingUnanswered_TimesOutWithoutDroppingTheLink()
    {
        using var loop = Subscribe();
        _scheduler.AdvanceBy(1);
        var link = _connector.Connect();
        link.PingAnswer = null;

        _scheduler.AdvanceBy(Options.PingInterval.Ticks + Options.PingTimeout.Ticks + Options.PingInterval.Ticks);

        Assert.Equal(2, link.Pings);
        Assert.False(link.Disposed);
        Assert.Equal(-1, _counters.TakeWindow().ConnectionMedianLatencyMs);
    }

    [Fact]
    public void Run_Disposed_ClosesTheLink()
    {
        var loop = Subscribe();
        _scheduler.AdvanceBy(1);
        var link = _connector.Connect();
        _scheduler.AdvanceBy(1);

        loop.Dispose();

        Assert.True(link.Disposed);
    }

    private IDisposable Subscribe()
        => RelayLoop.Run(_connector, Options, _counters, _scheduler, new RecordingLogger()).Subscribe(_changes.Add);
}
