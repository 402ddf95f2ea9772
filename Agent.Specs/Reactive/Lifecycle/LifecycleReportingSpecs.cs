using System.Reactive;
using System.Reactive.Linq;
using Agent.Reactive;
using Agent.Reactive.Lifecycle;
using Agent.Reactive.Linq;
using Agent.Reactive.Protocol;
using Agent.Specs.Fakes.Connection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Reactive.Testing;

namespace Agent.Specs.Reactive.Lifecycle;

public sealed class LifecycleReportingSpecs : IDisposable
{
    private readonly TestScheduler _scheduler = new();
    private readonly FakeControlPlane _plane;
    private readonly LifecycleMachine _machine;
    private readonly List<LifecycleReport> _acks = [];
    private IDisposable? _subscription;

    public LifecycleReportingSpecs()
    {
        _plane = new FakeControlPlane(_scheduler);
        _machine = new LifecycleMachine(_scheduler, NullLogger.Instance);
    }

    [Fact]
    public void Retry_Is1sDoublingTo15sWithoutJitter()
        => Assert.Equal(new BackoffPolicy(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(15)), LifecycleReporting.Retry);

    [Fact]
    public void Acknowledged_ControlPlaneAnswers_ReportsEveryStateInOrder()
    {
        Report();
        SetAt(1, LifecycleState.Starting);
        SetAt(2, LifecycleState.Ready);

        LifecycleReport[] expected = [new(LifecycleState.Starting, At(1)), new(LifecycleState.Ready, At(2))];
        Assert.Equal(expected, _acks);
        Assert.Equal(expected, _plane.LifecycleAccepted);
    }

    [Fact]
    public void Acknowledged_PostFails_RetriesAfter1s2s4s8sThenEvery15s()
    {
        _plane.LifecycleFailure = new HttpRequestException("connection refused");
        Report();
        _machine.TrySet(LifecycleState.Starting);
        _scheduler.AdvanceTo(Seconds(61));
        _plane.LifecycleFailure = null;
        _scheduler.AdvanceTo(Seconds(80));

        Assert.Equal([0, 1, 3, 7, 15, 30, 45, 60, 75], _plane.LifecycleAttempts.Select(attempt => ToSeconds(attempt.At)));
        Assert.Equal([new LifecycleReport(LifecycleState.Starting, At(0))], _acks);
    }

    [Fact]
    public void Acknowledged_NewerStateWhileFailing_ReplacesThePendingOne()
    {
        _plane.LifecycleFailure = new HttpRequestException("connection refused");
        Report();
        _machine.TrySet(LifecycleState.Starting);
        SetAt(5, LifecycleState.StartTimeout);
        _scheduler.AdvanceTo(Seconds(7.5));
        _plane.LifecycleFailure = null;
        _scheduler.AdvanceTo(Seconds(60));

        // starting: 0, 1, 3 — then start_timeout at once (5), retried at 6 and 8, where it is taken.
        Assert.Equal(
            [(0.0, LifecycleState.Starting), (1, LifecycleState.Starting), (3, LifecycleState.Starting),
             (5, LifecycleState.StartTimeout), (6, LifecycleState.StartTimeout), (8, LifecycleState.StartTimeout)],
            _plane.LifecycleAttempts.Select(attempt => (ToSeconds(attempt.At), attempt.Report.State)));
        Assert.Equal([new LifecycleReport(LifecycleState.StartTimeout, At(5))], _acks);
        Assert.Equal(_acks, _plane.LifecycleAccepted);
    }

    [Fact]
    public void Acknowledged_NewerStatesWhileAPostIsInFlight_WaitForItThenOnlyTheNewestIsSent()
    {
        _plane.HoldLifecycle = true;
        Report();
        SetAt(1, LifecycleState.Starting);
        SetAt(2, LifecycleState.StartTimeout);
        SetAt(3, LifecycleState.Ready);
        _scheduler.AdvanceBy(Seconds(1));

        Assert.Equal([LifecycleState.Starting], _plane.LifecycleAttempts.Select(attempt => attempt.Report.State));
        _plane.ReleaseLifecycle();
        Assert.Single(_plane.LifecycleAttempts);
        _scheduler.AdvanceBy(1);
        Assert.Equal(2, _plane.LifecycleAttempts.Count);
        _plane.ReleaseLifecycle();
        _scheduler.AdvanceBy(1);

        Assert.Equal(0, _plane.Cancellations);
        Assert.Equal([new LifecycleReport(LifecycleState.Starting, At(1)), new LifecycleReport(LifecycleState.Ready, At(3))], _acks);
    }

    [Fact]
    public void Acknowledged_InFlightPostFailsWhileANewerWaits_TheNewerIsSentAtOnce()
    {
        _plane.HoldLifecycle = true;
        Report();
        SetAt(1, LifecycleState.Starting);
        SetAt(2, LifecycleState.Ready);

        _plane.ReleaseLifecycle(new HttpRequestException("connection reset"));
        _scheduler.AdvanceBy(1);
        _plane.ReleaseLifecycle();
        _scheduler.AdvanceBy(1);

        Assert.Equal([LifecycleState.Starting, LifecycleState.Ready], _plane.LifecycleAttempts.Select(attempt => attempt.Report.State));
        Assert.Equal([new LifecycleReport(LifecycleState.Ready, At(2))], _acks);
    }

    [Fact]
    public void Acknowledged_DisposedWhileAPostIsInFlight_CancelsIt()
    {
        _plane.HangLifecycle = true;
        var subscription = LifecycleReporting.Acknowledged(_machine.Changes, _plane, _scheduler, NullLogger.Instance).Subscribe(_acks.Add);
        SetAt(1, LifecycleState.Starting);

        subscription.Dispose();

        Assert.Equal(1, _plane.Cancellations);
        Assert.Empty(_acks);
    }

    [Fact]
    public void Acknowledged_BackwardMove_IsNeverPosted()
    {
        Report();
        SetAt(1, LifecycleState.Ready);
        SetAt(2, LifecycleState.Starting);

        Assert.Equal([LifecycleState.Ready], _plane.LifecycleAttempts.Select(attempt => attempt.Report.State));
    }

    [Fact]
    public void Acknowledged_SameStateAgain_IsPostedOnce()
    {
        Report();
        SetAt(1, LifecycleState.Ready);
        SetAt(2, LifecycleState.Ready);

        Assert.Single(_plane.LifecycleAttempts);
        Assert.Single(_acks);
    }

    [Fact]
    public void Close_FinalStateAcknowledged_WaitEndsWithIt()
    {
        var acks = Report();
        SetAt(1, LifecycleState.Starting);
        SetAt(2, LifecycleState.Ready);
        _plane.LifecycleFailure = new HttpRequestException("connection refused");

        SetAt(10, LifecycleState.ShuttingDown);
        _machine.TrySet(LifecycleState.Off);
        var wait = _scheduler.CreateObserver<LifecycleReport>();
        using var waiting = WaitForOff(acks).Subscribe(wait);
        _scheduler.AdvanceTo(Seconds(10.5));
        _plane.LifecycleFailure = null;
        _scheduler.AdvanceTo(Seconds(20));

        // off failed at 10, taken on its retry at 11: well inside the five seconds.
        Assert.Equal(
            [OnNext(Seconds(11), new LifecycleReport(LifecycleState.Off, At(10))), OnCompleted<LifecycleReport>(Seconds(11))],
            wait.Messages);
    }

    [Fact]
    public void Close_FinalStateAlreadyAcknowledged_WaitEndsAtOnce()
    {
        var acks = Report();
        SetAt(1, LifecycleState.ShuttingDown);
        SetAt(2, LifecycleState.Off);

        var wait = _scheduler.CreateObserver<LifecycleReport>();
        using var waiting = WaitForOff(acks).Subscribe(wait);

        Assert.Equal(LifecycleState.Off, Assert.Single(wait.Messages, m => m.Value.Kind == NotificationKind.OnNext).Value.Value.State);
    }

    [Fact]
    public void Close_ControlPlaneNeverTakesTheFinalState_WaitGivesUpAfter5s()
    {
        var acks = Report();
        SetAt(1, LifecycleState.Ready);
        _plane.LifecycleFailure = new HttpRequestException("connection refused");

        SetAt(10, LifecycleState.ShuttingDown);
        _machine.TrySet(LifecycleState.Off);
        var wait = _scheduler.CreateObserver<LifecycleReport>();
        using var waiting = WaitForOff(acks).Subscribe(wait);
        _scheduler.AdvanceTo(Seconds(30));

        var only = Assert.Single(wait.Messages);
        Assert.Equal(Seconds(15), only.Time);
        Assert.IsType<TimeoutException>(only.Value.Exception);
    }

    [Fact]
    public void Acknowledged_ChangesCompleteAfterTheLastAck_Completes()
    {
        var completed = false;
        _subscription = LifecycleReporting.Acknowledged(_machine.Changes, _plane, _scheduler, NullLogger.Instance)
            .Subscribe(_acks.Add, () => completed = true);
        _plane.LifecycleFailure = new HttpRequestException("connection refused");
        _machine.TrySet(LifecycleState.Off);
        _machine.Dispose();
        Assert.False(completed);

        _plane.LifecycleFailure = null;
        _scheduler.AdvanceTo(Seconds(2));

        Assert.True(completed);
        Assert.Equal([LifecycleState.Off], _acks.Select(ack => ack.State));
    }

    public void Dispose()
    {
        _subscription?.Dispose();
        _machine.Dispose();
    }

    private static Recorded<Notification<T>> OnNext<T>(long time, T value) => new(time, Notification.CreateOnNext(value));

    private static Recorded<Notification<T>> OnCompleted<T>(long time) => new(time, Notification.CreateOnCompleted<T>());

    private static long Seconds(double seconds) => TimeSpan.FromSeconds(seconds).Ticks;

    private static DateTimeOffset At(double seconds) => new(TimeSpan.FromSeconds(seconds).Ticks, TimeSpan.Zero);

    private static double ToSeconds(DateTimeOffset at) => Math.Round(TimeSpan.FromTicks(at.UtcTicks).TotalSeconds, 6);

    // The shape the agent's Close uses: wait for the final state's acknowledgement, at most five seconds.
    private IObservable<LifecycleReport> WaitForOff(IObservable<LifecycleReport> acks)
        => acks.FirstAsync(report => report.State == LifecycleState.Off).Timeout(TimeSpan.FromSeconds(5), _scheduler);

    // One shared reporting subscription, as the agent holds it; late waiters see the latest acknowledgement.
    private IObservable<LifecycleReport> Report()
    {
        var acks = LifecycleReporting.Acknowledged(_machine.Changes, _plane, _scheduler, NullLogger.Instance).Replay(1);
        _subscription = new System.Reactive.Disposables.CompositeDisposable(acks.Subscribe(_acks.Add), acks.Connect());
        return acks;
    }

    private void SetAt(double seconds, LifecycleState state)
    {
        _scheduler.AdvanceTo(Seconds(seconds));
        _machine.TrySet(state);
    }
}
