using System.Reactive;
using Agent.Reactive;
using Agent.Reactive.Linq;
using Microsoft.Reactive.Testing;

namespace Agent.Specs.Reactive.Linq;

public sealed class FromTaskSpecs
{
    private readonly TestScheduler _scheduler = new();

    [Fact]
    public void FromTask_TaskAlreadyFinished_IsDeliveredAtOnce()
    {
        var observer = _scheduler.CreateObserver<int>();

        using var subscription = AgentObservable.FromTask(_ => Task.FromResult(7), _scheduler).Subscribe(observer);

        Assert.Equal([ReactiveTest.OnNext(0, 7), ReactiveTest.OnCompleted<int>(0)], observer.Messages);
    }

    [Fact]
    public void FromTask_TaskFinishesLater_IsDeliveredOnTheSchedulersNextStepNotOnTheFinishingThread()
    {
        var answer = new TaskCompletionSource<int>();
        var observer = _scheduler.CreateObserver<int>();
        _scheduler.AdvanceTo(100);
        using var subscription = AgentObservable.FromTask(_ => answer.Task, _scheduler).Subscribe(observer);

        answer.SetResult(7);
        Assert.Empty(observer.Messages);
        _scheduler.AdvanceBy(1);

        Assert.Equal([ReactiveTest.OnNext(101, 7), ReactiveTest.OnCompleted<int>(101)], observer.Messages);
    }

    [Fact]
    public void FromTask_TaskFaultsLater_DeliversItsOwnExceptionOnTheScheduler()
    {
        var answer = new TaskCompletionSource();
        var observer = _scheduler.CreateObserver<Unit>();
        using var subscription = AgentObservable.FromTask(_ => answer.Task, _scheduler).Subscribe(observer);

        answer.SetException(new IOException("reset"));
        Assert.Empty(observer.Messages);
        _scheduler.AdvanceBy(1);

        Assert.Equal("reset", Assert.IsType<IOException>(Assert.Single(observer.Messages).Value.Exception).Message);
    }

    [Fact]
    public void FromTask_StartThrows_IsAnError()
    {
        var observer = _scheduler.CreateObserver<int>();

        using var subscription = AgentObservable.FromTask<int>(_ => throw new InvalidOperationException("no"), _scheduler).Subscribe(observer);

        Assert.IsType<InvalidOperationException>(Assert.Single(observer.Messages).Value.Exception);
    }

    [Fact]
    public void FromTask_EachSubscription_StartsItsOwnTask()
    {
        var starts = 0;
        var bridge = AgentObservable.FromTask(_ => Task.FromResult(++starts), _scheduler);

        using (bridge.Subscribe(_ => { }))
        using (bridge.Subscribe(_ => { }))
        {
            Assert.Equal(2, starts);
        }
    }

    [Fact]
    public void FromTask_Disposed_CancelsTheTokenAndDeliversNothing()
    {
        var answer = new TaskCompletionSource<int>();
        var token = CancellationToken.None;
        var observer = _scheduler.CreateObserver<int>();
        var subscription = AgentObservable.FromTask(
            cancellation =>
            {
                token = cancellation;
                return answer.Task;
            },
            _scheduler).Subscribe(observer);

        subscription.Dispose();
        answer.SetResult(7);
        _scheduler.AdvanceBy(10);

        Assert.True(token.IsCancellationRequested);
        Assert.Empty(observer.Messages);
    }

    [Fact]
    public void FromTask_DisposedAfterTheTaskFinishedButBeforeTheStep_DeliversNothing()
    {
        var answer = new TaskCompletionSource<int>();
        var observer = _scheduler.CreateObserver<int>();
        var subscription = AgentObservable.FromTask(_ => answer.Task, _scheduler).Subscribe(observer);

        answer.SetResult(7);
        subscription.Dispose();
        _scheduler.AdvanceBy(10);

        Assert.Empty(observer.Messages);
    }
}
