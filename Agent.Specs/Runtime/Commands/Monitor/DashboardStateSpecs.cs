using Agent.Reactive.Monitoring;
using Agent.Reactive.Protocol;
using Agent.Runtime.Commands.Monitor;
using Agent.Runtime.Relay.Sse;

namespace Agent.Specs.Runtime.Commands.Monitor;

public sealed class DashboardStateSpecs
{
    private static readonly DateTimeOffset T0 = new(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Empty_KnowsNothing()
    {
        var state = DashboardState.Empty;
        Assert.Null(state.Stream);
        Assert.Null(state.CurrentLifecycle);
        Assert.Null(state.StartupDuration);
        Assert.Empty(state.Metadata);
        Assert.Empty(state.Apps);
        Assert.Empty(state.Logs);
        Assert.Null(state.LastEventAt);
    }

    [Fact]
    public void Apply_LifecycleChanges_RecordTimeInEachStateAndStartupDuration()
    {
        var state = Fold(
            new LifecycleChanged(T0, LifecycleState.Created),
            new LifecycleChanged(T0.AddSeconds(2), LifecycleState.Starting),
            new LifecycleChanged(T0.AddSeconds(14.5), LifecycleState.Ready));

        Assert.Equal(
            [
                new LifecycleStep(LifecycleState.Created, T0, T0.AddSeconds(2)),
                new LifecycleStep(LifecycleState.Starting, T0.AddSeconds(2), T0.AddSeconds(14.5)),
                new LifecycleStep(LifecycleState.Ready, T0.AddSeconds(14.5)),
            ],
            state.Lifecycle);
        Assert.Equal(LifecycleState.Ready, state.CurrentLifecycle);
        Assert.Equal(TimeSpan.FromSeconds(12.5), state.StartupDuration);
        Assert.Equal(TimeSpan.FromSeconds(12.5), state.Lifecycle[1].TimeIn(T0.AddHours(1)));
        Assert.Equal(TimeSpan.FromSeconds(60), state.Lifecycle[2].TimeIn(T0.AddSeconds(74.5)));
    }

    [Fact]
    public void StartupDuration_StartTimeoutThenReady_CountsFromStartingToReady()
    {
        var state = Fold(
            new LifecycleChanged(T0, LifecycleState.Starting),
            new LifecycleChanged(T0.AddMinutes(5), LifecycleState.StartTimeout),
            new LifecycleChanged(T0.AddMinutes(7), LifecycleState.Ready));
        Assert.Equal(TimeSpan.FromMinutes(7), state.StartupDuration);
    }

    [Fact]
    public void StartupDuration_NotReadyYet_IsUnknown()
        => Assert.Null(Fold(new LifecycleChanged(T0, LifecycleState.Starting), new LifecycleChanged(T0.AddSeconds(3), LifecycleState.StartError)).StartupDuration);

    [Fact]
    public void Apply_SameLifecycleStateAgain_KeepsTheFirstEntry()
    {
        var state = Fold(new LifecycleChanged(T0, LifecycleState.Ready), new LifecycleChanged(T0.AddSeconds(9), LifecycleState.Ready));
        Assert.Equal([new LifecycleStep(LifecycleState.Ready, T0)], state.Lifecycle);
    }

    [Fact]
    public void Apply_LifecycleClockGoesBack_TimeInStateIsNotNegative()
    {
        var state = Fold(new LifecycleChanged(T0, LifecycleState.Starting), new LifecycleChanged(T0.AddSeconds(-1), LifecycleState.Ready));
        Assert.Equal(TimeSpan.Zero, state.Lifecycle[0].TimeIn(T0));
    }

    [Fact]
    public void Apply_ManyLifecycleChanges_KeepsTheNewestSteps()
    {
        var changes = Enumerable.Range(0, 50)
            .Select(i => new LifecycleChanged(T0.AddSeconds(i), i % 2 == 0 ? LifecycleState.Starting : LifecycleState.Ready))
            .ToArray<AgentEvent>();
        var state = Fold(changes);
        Assert.Equal(DashboardState.MaxLifecycleSteps, state.Lifecycle.Count);
        Assert.Equal(T0.AddSeconds(49), state.Lifecycle[^1].EnteredAt);
        Assert.Equal(T0.AddSeconds(50 - DashboardState.MaxLifecycleSteps), state.Lifecycle[0].EnteredAt);
    }

    [Fact]
    public void Apply_Metadata_KeepsTheLatestResultPerKeyInKeyOrder()
    {
        var state = Fold(
            new MetadataCollected(T0, "mem", "Memory", new MetadataResult(T0, 0, "1 GiB", string.Empty)),
            new MetadataCollected(T0, "cpu", "CPU", new MetadataResult(T0, 0, "10%", string.Empty)),
            new MetadataCollected(T0.AddSeconds(1), "cpu", "CPU", new MetadataResult(T0.AddSeconds(1), 0, string.Empty, "timeout")));

        Assert.Equal(["cpu", "mem"], state.Metadata.Keys);
        Assert.Equal("timeout", state.Metadata["cpu"].Result.Error);
        Assert.Equal("1 GiB", state.Metadata["mem"].Result.Value);
    }

    [Fact]
    public void Apply_AppHealth_ReplacesTheWholeMap()
    {
        Guid a = Guid.NewGuid(), b = Guid.NewGuid();
        var state = Fold(
            new AppHealthChanged(T0, new Dictionary<Guid, AppHealth> { [a] = AppHealth.Initializing, [b] = AppHealth.Healthy }),
            new AppHealthChanged(T0.AddSeconds(1), new Dictionary<Guid, AppHealth> { [a] = AppHealth.Unhealthy }));
        Assert.Equal(new KeyValuePair<Guid, AppHealth>(a, AppHealth.Unhealthy), Assert.Single(state.Apps));
    }

    [Fact]
    public void Apply_StatsStartupAndConnection_KeepTheLatest()
    {
        var stats = new StatsReported(T0.AddSeconds(30), new Stats { ConnectionCount = 3 });
        var state = Fold(
            new StatsReported(T0, new Stats { ConnectionCount = 1 }),
            stats,
            new StartupReported(T0, "v2", "/home/coder", string.Empty),
            new ConnectionChanged(T0, ConnectionState.Connected),
            new ConnectionChanged(T0.AddSeconds(5), ConnectionState.Disconnected, "relay closed"));

        Assert.Same(stats, state.Stats);
        Assert.Equal("v2", state.Startup!.Version);
        Assert.Equal(new ConnectionChanged(T0.AddSeconds(5), ConnectionState.Disconnected, "relay closed"), state.AgentConnection);
    }

    [Fact]
    public void Apply_LogLines_KeepTheLastTwentyPerSource()
    {
        var lines = Enumerable.Range(0, 30).Select(i => new LogLine(T0.AddSeconds(i), LogSources.Startup, $"line {i}"))
            .Append(new LogLine(T0, LogSources.Shutdown, "bye"))
            .ToArray<AgentEvent>();
        var state = Fold(lines);

        Assert.Equal(Enumerable.Range(10, 20).Select(i => $"line {i}"), state.Logs[LogSources.Startup].Select(line => line.Output));
        Assert.Equal("bye", Assert.Single(state.Logs[LogSources.Shutdown]).Output);
    }

    [Fact]
    public void Apply_Events_TrackTheNewestTimestamp()
    {
        var state = Fold(new LogLine(T0.AddSeconds(5), "startup", "a"), new LogLine(T0, "startup", "b"));
        Assert.Equal(T0.AddSeconds(5), state.LastEventAt);
    }

    [Fact]
    public void Apply_StreamConnectedAgain_ForgetsWhatTheSnapshotWillResend()
    {
        var before = Fold(
            new StartupReported(T0, "v1", "/w", string.Empty),
            new LifecycleChanged(T0, LifecycleState.Ready),
            new LogLine(T0, "startup", "x"));
        var lost = new EventStreamStatus(T0.AddMinutes(1), EventStreamState.Lost, "closed", TimeSpan.FromSeconds(1));
        var connected = new EventStreamStatus(T0.AddMinutes(2), EventStreamState.Connected);

        var whileLost = before.Apply(lost);
        var reconnected = whileLost.Apply(connected);

        Assert.Same(lost, whileLost.Stream);
        Assert.Equal(LifecycleState.Ready, whileLost.CurrentLifecycle);
        Assert.Equal(DashboardState.Empty with { Stream = connected }, reconnected);
        Assert.Empty(reconnected.Logs);
    }

    [Fact]
    public void Apply_IsPure_TheEarlierStateIsUnchanged()
    {
        var first = DashboardState.Empty.Apply(new LogLine(T0, "startup", "one"));
        var second = first.Apply(new LogLine(T0, "startup", "two"));
        Assert.Single(first.Logs["startup"]);
        Assert.Equal(2, second.Logs["startup"].Count);
    }

    private static DashboardState Fold(params AgentEvent[] events)
        => events.Aggregate(DashboardState.Empty, (state, agentEvent) => state.Apply(agentEvent));
}
