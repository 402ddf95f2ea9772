using System.Reactive.Subjects;
using Agent.Reactive.Monitoring;
using Agent.Reactive.Protocol;
using Agent.Runtime.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Reactive.Testing;

namespace Agent.Specs.Runtime.Hosting;

/// <summary>The one collection after start-up, in virtual time.</summary>
public sealed class StartupMemoryTrimSpecs
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(1);
    private readonly TestScheduler _scheduler = new();
    private readonly Subject<AgentEvent> _events = new();
    private int _collections;

    [Theory]
    [InlineData(LifecycleState.Ready)]
    [InlineData(LifecycleState.StartError)]
    [InlineData(LifecycleState.StartTimeout)]
    public void Schedule_StartupFinishes_CollectsOnceASettleLater(LifecycleState finished)
    {
        using var trim = StartupMemoryTrim.Schedule(_events, Settle, _scheduler, () => _collections++);
        Publish(LifecycleState.Starting);
        _scheduler.AdvanceBy(Settle.Ticks * 5);
        Assert.Equal(0, _collections);

        Publish(finished);
        _scheduler.AdvanceBy(Settle.Ticks - 1);
        Assert.Equal(0, _collections);
        _scheduler.AdvanceBy(1);
        Assert.Equal(1, _collections);

        Publish(LifecycleState.Ready);
        _scheduler.AdvanceBy(Settle.Ticks * 5);
        Assert.Equal(1, _collections);
    }

    [Fact]
    public void Schedule_DisposedBeforeTheSettleHasPassed_NeverCollects()
    {
        var trim = StartupMemoryTrim.Schedule(_events, Settle, _scheduler, () => _collections++);
        Publish(LifecycleState.Ready);
        trim.Dispose();
        _scheduler.AdvanceBy(Settle.Ticks * 5);
        Assert.Equal(0, _collections);
    }

    [Fact]
    public void Schedule_EventsEndBeforeStartupFinished_NeverCollects()
    {
        using var trim = StartupMemoryTrim.Schedule(_events, Settle, _scheduler, () => _collections++);
        Publish(LifecycleState.Starting);
        _events.OnCompleted();
        _scheduler.AdvanceBy(Settle.Ticks * 5);
        Assert.Equal(0, _collections);
    }

    [Fact]
    public void Collect_RunsAFullCollection()
    {
        var before = GC.CollectionCount(GC.MaxGeneration);
        StartupMemoryTrim.Collect(NullLogger.Instance);
        Assert.True(GC.CollectionCount(GC.MaxGeneration) > before);
    }

    private void Publish(LifecycleState state) => _events.OnNext(new LifecycleChanged(DateTimeOffset.UnixEpoch, state));
}
