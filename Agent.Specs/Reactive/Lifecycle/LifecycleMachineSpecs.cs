using System.Reactive.Linq;
using Agent.Reactive.Lifecycle;
using Agent.Reactive.Protocol;
using Agent.Specs.Utilities;
using Microsoft.Extensions.Logging;
using Microsoft.Reactive.Testing;

namespace Agent.Specs.Reactive.Lifecycle;

public sealed class LifecycleMachineSpecs : IDisposable
{
    private readonly TestScheduler _scheduler = new();
    private readonly RecordingLogger _logger = new();
    private readonly LifecycleMachine _machine;
    private readonly List<LifecycleReport> _seen = [];
    private readonly IDisposable _subscription;

    public LifecycleMachineSpecs()
    {
        _machine = new LifecycleMachine(_scheduler, _logger);
        _subscription = _machine.Changes.Subscribe(_seen.Add);
    }

    [Fact]
    public void LifecycleMachine_New_IsCreatedAndReportsNothing()
    {
        Assert.Equal(LifecycleState.Created, _machine.Current);
        Assert.Empty(_seen);
    }

    [Fact]
    public void TrySet_Forward_RecordsTheStateWithItsTime()
    {
        _scheduler.AdvanceTo(Seconds(1));
        Assert.True(_machine.TrySet(LifecycleState.Starting));
        _scheduler.AdvanceTo(Seconds(3));
        Assert.True(_machine.TrySet(LifecycleState.Ready));

        Assert.Equal(LifecycleState.Ready, _machine.Current);
        Assert.Equal([new LifecycleReport(LifecycleState.Starting, At(1)), new LifecycleReport(LifecycleState.Ready, At(3))], _seen);
    }

    [Fact]
    public void TrySet_Backward_IsRefusedWithAWarningAndNotReported()
    {
        _machine.TrySet(LifecycleState.Ready);

        Assert.False(_machine.TrySet(LifecycleState.Starting));

        Assert.Equal(LifecycleState.Ready, _machine.Current);
        Assert.Single(_seen);
        var warning = Assert.Single(_logger.Entries);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Equal("refused lifecycle move from Ready to Starting", warning.Text);
        Assert.Equal(5721, warning.EventId.Id);
    }

    [Fact]
    public void TrySet_SameState_IsAcceptedAndChangesNothing()
    {
        _machine.TrySet(LifecycleState.Starting);

        Assert.True(_machine.TrySet(LifecycleState.Starting));

        Assert.Single(_seen);
        Assert.Empty(_logger.Entries);
    }

    [Theory]
    [InlineData(LifecycleState.StartTimeout, LifecycleState.Ready)]
    [InlineData(LifecycleState.StartTimeout, LifecycleState.StartError)]
    [InlineData(LifecycleState.ShutdownTimeout, LifecycleState.Off)]
    [InlineData(LifecycleState.Starting, LifecycleState.Off)]
    public void TrySet_LaterStateAfterATimeout_IsAccepted(LifecycleState first, LifecycleState then)
    {
        Assert.True(_machine.TrySet(first));
        Assert.True(_machine.TrySet(then));

        Assert.Equal([first, then], _seen.Select(report => report.State));
    }

    [Fact]
    public void Changes_LateSubscriber_GetsTheLatestReportThenLiveOnes()
    {
        _machine.TrySet(LifecycleState.Starting);
        _scheduler.AdvanceTo(Seconds(2));
        _machine.TrySet(LifecycleState.Ready);
        var late = new List<LifecycleReport>();

        using var subscription = _machine.Changes.Subscribe(late.Add);
        _scheduler.AdvanceTo(Seconds(4));
        _machine.TrySet(LifecycleState.ShuttingDown);

        Assert.Equal([new LifecycleReport(LifecycleState.Ready, At(2)), new LifecycleReport(LifecycleState.ShuttingDown, At(4))], late);
    }

    [Fact]
    public void Dispose_CompletesChangesAndRefusesFurtherMoves()
    {
        _machine.TrySet(LifecycleState.Off);
        var completed = false;
        using var live = _machine.Changes.Subscribe(_ => { }, () => completed = true);

        _machine.Dispose();
        _machine.Dispose();

        Assert.True(completed);
        Assert.False(_machine.TrySet(LifecycleState.Off));
        var late = _machine.Changes.ToList().Wait();
        Assert.Equal([LifecycleState.Off], late.Select(report => report.State));
    }

    [Fact]
    public void TrySet_FromManyThreads_ReportsAStrictlyIncreasingSequenceEndingAtTheHighest()
    {
        var states = Enum.GetValues<LifecycleState>().Where(state => state != LifecycleState.Created).ToArray();
        Parallel.For(0, 2_000, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => _machine.TrySet(states[(i * 7) % states.Length]));

        Assert.Equal(LifecycleState.Off, _machine.Current);
        Assert.Equal(LifecycleState.Off, _seen[^1].State);
        Assert.True(_seen.Zip(_seen.Skip(1)).All(pair => pair.First.State < pair.Second.State));
    }

    public void Dispose()
    {
        _subscription.Dispose();
        _machine.Dispose();
    }

    private static long Seconds(double seconds) => TimeSpan.FromSeconds(seconds).Ticks;

    private static DateTimeOffset At(double seconds) => new(TimeSpan.FromSeconds(seconds).Ticks, TimeSpan.Zero);
}
