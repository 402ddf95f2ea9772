using System.Reactive.Linq;
using Agent.Reactive;
using Agent.Reactive.Linq;
using Microsoft.Reactive.Testing;

namespace Agent.Specs.Reactive.Linq;

public sealed class ExhaustMapSpecs
{
    [Fact]
    public void ExhaustMap_TriggerWhileRunning_IsDroppedAndRunningWorkIsNotCancelled()
    {
        var scheduler = new TestScheduler();
        var starts = new List<long>();
        var triggers = scheduler.CreateHotObservable(
            ReactiveTest.OnNext(100, 1),
            ReactiveTest.OnNext(200, 2),
            ReactiveTest.OnNext(300, 3),
            ReactiveTest.OnNext(500, 4));

        var results = scheduler.Start(
            () => triggers.ExhaustMap(value => Observable.Defer(() =>
            {
                starts.Add(scheduler.Clock);
                return Observable.Timer(TimeSpan.FromTicks(250), scheduler).Select(_ => value);
            })),
            created: 0,
            subscribed: 0,
            disposed: 1000);

        Assert.Equal([100L, 500L], starts);
        Assert.Equal(
            [ReactiveTest.OnNext(350, 1), ReactiveTest.OnNext(750, 4)],
            results.Messages);
    }

    [Fact]
    public void ExhaustMap_SourceCompletes_WaitsForRunningWork()
    {
        var scheduler = new TestScheduler();
        var triggers = scheduler.CreateHotObservable(
            ReactiveTest.OnNext(100, 1),
            ReactiveTest.OnCompleted<int>(150));

        var results = scheduler.Start(
            () => triggers.ExhaustMap(value => Observable.Timer(TimeSpan.FromTicks(100), scheduler).Select(_ => value)),
            created: 0,
            subscribed: 0,
            disposed: 1000);

        Assert.Equal(
            [ReactiveTest.OnNext(200, 1), ReactiveTest.OnCompleted<int>(200)],
            results.Messages);
    }

    [Fact]
    public void ExhaustMap_InnerError_EndsTheSequence()
    {
        var scheduler = new TestScheduler();
        var failure = new InvalidOperationException("boom");
        var triggers = scheduler.CreateHotObservable(ReactiveTest.OnNext(100, 1), ReactiveTest.OnNext(300, 2));

        var results = scheduler.Start(
            () => triggers.ExhaustMap(_ => Observable.Throw<int>(failure)),
            created: 0,
            subscribed: 0,
            disposed: 1000);

        Assert.Equal([ReactiveTest.OnError<int>(100, failure)], results.Messages);
    }

    [Fact]
    public void ExhaustMap_Disposed_CancelsRunningWork()
    {
        var scheduler = new TestScheduler();
        var cancelled = false;
        var triggers = scheduler.CreateHotObservable(ReactiveTest.OnNext(100, 1));

        scheduler.Start(
            () => triggers.ExhaustMap(_ => Observable.Never<int>().Finally(() => cancelled = true)),
            created: 0,
            subscribed: 0,
            disposed: 200);

        Assert.True(cancelled);
    }
}
