using System.Reactive.Concurrency;
using System.Reactive.Subjects;
using Agent.Reactive.Effects;
using Agent.Reactive.Monitoring;
using Agent.Reactive.Protocol;
using Agent.Runtime.Commands.Monitor;
using Agent.Runtime.Relay.Sse;

namespace Agent.Specs.Runtime.Commands.Monitor;

public sealed class DashboardStatesSpecs
{
    private static readonly DateTimeOffset T0 = new(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(3);

    private readonly HistoricalScheduler _scheduler = new(T0);
    private readonly Subject<DashboardState> _states = new();
    private readonly List<DashboardState> _settled = [];
    private Exception? _error;
    private bool _completed;
    private DashboardState _current = DashboardState.Empty;

    public DashboardStatesSpecs()
        => _states.FirstSettled(Quiet, MaxWait, _scheduler).Subscribe(_settled.Add, error => _error = error, () => _completed = true);

    [Fact]
    public void Fold_StatusAndEvents_AreFoldedInArrivalOrderAndAReconnectionStartsOver()
    {
        var status = new Subject<EventStreamStatus>();
        var events = new Subject<AgentEvent>();
        var states = new List<DashboardState>();
        using var subscription = DashboardStates.Fold(status, events).Subscribe(states.Add);

        status.OnNext(new EventStreamStatus(T0, EventStreamState.Connected));
        events.OnNext(new LifecycleChanged(T0, LifecycleState.Ready));
        events.OnNext(new LogLine(T0, "startup", "x"));
        status.OnNext(new EventStreamStatus(T0, EventStreamState.Connected));
        events.OnNext(new LifecycleChanged(T0, LifecycleState.Ready));

        Assert.Equal(5, states.Count);
        Assert.Single(states[2].Logs);
        Assert.Equal(LifecycleState.Ready, states[4].CurrentLifecycle);
        Assert.Empty(states[4].Logs);
    }

    [Fact]
    public void FirstSettled_SnapshotThenQuiet_GivesTheLastStateOnceQuiet()
    {
        Push(EventStreamState.Connecting);
        Push(EventStreamState.Connected);
        AdvanceTo(100);
        var last = PushEvent(new LifecycleChanged(T0, LifecycleState.Ready));
        AdvanceTo(399);
        Assert.Empty(_settled);

        AdvanceTo(400);

        Assert.Same(last, Assert.Single(_settled));
        Assert.True(_completed);
    }

    [Fact]
    public void FirstSettled_LiveEventsNeverPause_GivesTheLatestStateAtMaxWait()
    {
        Push(EventStreamState.Connected);
        DashboardState? latest = null;
        for (var at = 100; at <= 5000; at += 100)
        {
            AdvanceTo(at - 1);
            if (_settled.Count > 0)
                break;
            latest = PushEvent(new LogLine(T0.AddMilliseconds(at), "startup", $"line {at}"));
        }

        var settled = Assert.Single(_settled);
        Assert.Same(latest, settled);
        Assert.Equal("line 3000", settled.Logs["startup"][^1].Output);
    }

    [Fact]
    public void FirstSettled_NotConnectedYet_WaitsEvenWhenQuiet()
    {
        Push(EventStreamState.Connecting);
        AdvanceTo(10_000);
        Assert.Empty(_settled);
        Assert.Null(_error);
    }

    [Fact]
    public void FirstSettled_StreamLost_FailsWithTheReason()
    {
        Push(EventStreamState.Connecting);
        _states.OnNext(DashboardState.Empty.Apply(new EventStreamStatus(T0, EventStreamState.Lost, "Connection refused (127.0.0.1:1)")));

        var error = Assert.IsType<ControlPlaneException>(_error);
        Assert.Equal("Connection refused (127.0.0.1:1)", error.Message);
        Assert.Empty(_settled);
    }

    private void Push(EventStreamState state)
    {
        _current = _current.Apply(new EventStreamStatus(_scheduler.Now, state));
        _states.OnNext(_current);
    }

    private DashboardState PushEvent(AgentEvent agentEvent)
    {
        _current = _current.Apply(agentEvent);
        _states.OnNext(_current);
        return _current;
    }

    private void AdvanceTo(int milliseconds) => _scheduler.AdvanceTo(T0.AddMilliseconds(milliseconds));
}
