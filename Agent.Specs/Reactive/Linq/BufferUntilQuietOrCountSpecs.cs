using System.Reactive.Linq;
using Agent.Reactive;
using Agent.Reactive.Linq;
using Microsoft.Reactive.Testing;

namespace Agent.Specs.Reactive.Linq;

public sealed class BufferUntilQuietOrCountSpecs : ReactiveTest
{
    private static readonly TimeSpan Quiet = TimeSpan.FromTicks(50);

    [Fact]
    public void BufferUntilQuietOrCount_NullSource_Throws()
        => Assert.Throws<ArgumentNullException>(
            () => ((IObservable<int>)null!).BufferUntilQuietOrCount(Quiet, 3, new TestScheduler()));

    [Fact]
    public void BufferUntilQuietOrCount_NullScheduler_Throws()
        => Assert.Throws<ArgumentNullException>(() => Observable.Never<int>().BufferUntilQuietOrCount(Quiet, 3, null!));

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void BufferUntilQuietOrCount_QuietNotPositive_Throws(long ticks)
        => Assert.Throws<ArgumentOutOfRangeException>(
            () => Observable.Never<int>().BufferUntilQuietOrCount(TimeSpan.FromTicks(ticks), 3, new TestScheduler()));

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void BufferUntilQuietOrCount_CountBelowOne_Throws(int count)
        => Assert.Throws<ArgumentOutOfRangeException>(
            () => Observable.Never<int>().BufferUntilQuietOrCount(Quiet, count, new TestScheduler()));

    [Fact]
    public void BufferUntilQuietOrCount_QuietAfterItems_ClosesBufferAfterQuietPeriod()
    {
        var scheduler = new TestScheduler();
        var source = scheduler.CreateHotObservable(OnNext(210, 1), OnNext(220, 2));

        var results = Run(scheduler, source, count: 3);

        results.Messages.AssertEqual(OnNext(270, "1,2"));
    }

    [Fact]
    public void BufferUntilQuietOrCount_ItemsCloserThanQuiet_TimerRestartsOnEachItem()
    {
        var scheduler = new TestScheduler();
        var source = scheduler.CreateHotObservable(OnNext(210, 1), OnNext(250, 2), OnNext(290, 3), OnNext(400, 4));

        var results = Run(scheduler, source, count: 10);

        results.Messages.AssertEqual(OnNext(340, "1,2,3"), OnNext(450, "4"));
    }

    [Fact]
    public void BufferUntilQuietOrCount_CountReached_ClosesAtOnceWithoutLaterEmptyBuffer()
    {
        var scheduler = new TestScheduler();
        var source = scheduler.CreateHotObservable(OnNext(210, 1), OnNext(220, 2), OnNext(230, 3), OnNext(240, 4));

        var results = Run(scheduler, source, count: 3);

        results.Messages.AssertEqual(OnNext(230, "1,2,3"), OnNext(290, "4"));
    }

    [Fact]
    public void BufferUntilQuietOrCount_CountOne_EmitsEachItemAlone()
    {
        var scheduler = new TestScheduler();
        var source = scheduler.CreateHotObservable(OnNext(210, 1), OnNext(211, 2));

        var results = Run(scheduler, source, count: 1);

        results.Messages.AssertEqual(OnNext(210, "1"), OnNext(211, "2"));
    }

    [Fact]
    public void BufferUntilQuietOrCount_SourceCompletes_FlushesRemainderThenCompletes()
    {
        var scheduler = new TestScheduler();
        var source = scheduler.CreateHotObservable(OnNext(210, 1), OnNext(220, 2), OnCompleted<int>(230));

        var results = Run(scheduler, source, count: 3);

        results.Messages.AssertEqual(OnNext(230, "1,2"), OnCompleted<string>(230));
    }

    [Fact]
    public void BufferUntilQuietOrCount_SourceCompletesWithNothingOpen_CompletesWithoutEmptyBuffer()
    {
        var scheduler = new TestScheduler();
        var source = scheduler.CreateHotObservable(OnNext(210, 1), OnCompleted<int>(300));

        var results = Run(scheduler, source, count: 3);

        results.Messages.AssertEqual(OnNext(260, "1"), OnCompleted<string>(300));
    }

    [Fact]
    public void BufferUntilQuietOrCount_SourceFails_PassesErrorOn()
    {
        var scheduler = new TestScheduler();
        var error = new InvalidOperationException("boom");
        var source = scheduler.CreateHotObservable(OnNext(210, 1), OnError<int>(220, error));

        var results = Run(scheduler, source, count: 3);

        results.Messages.AssertEqual(OnError<string>(220, error));
    }

    [Fact]
    public void BufferUntilQuietOrCount_Disposed_StopsTimerAndSource()
    {
        var scheduler = new TestScheduler();
        var source = scheduler.CreateHotObservable(OnNext(210, 1), OnNext(300, 2));

        var results = scheduler.Start(
            () => source.BufferUntilQuietOrCount(Quiet, 3, scheduler).Select(Join), 100, 200, 230);

        Assert.Empty(results.Messages);
        source.Subscriptions.AssertEqual(Subscribe(200, 230));
    }

    private static ITestableObserver<string> Run(TestScheduler scheduler, IObservable<int> source, int count)
        => scheduler.Start(() => source.BufferUntilQuietOrCount(Quiet, count, scheduler).Select(Join));

    private static string Join(IList<int> buffer) => string.Join(",", buffer);
}
