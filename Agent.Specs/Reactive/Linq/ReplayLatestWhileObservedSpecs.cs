using System.Reactive.Linq;
using System.Reactive.Subjects;
using Agent.Reactive.Linq;

namespace Agent.Specs.Reactive.Linq;

public sealed class ReplayLatestWhileObservedSpecs
{
    private readonly Subject<int> _source = new();
    private int _subscriptions;
    private int _unsubscriptions;

    private IObservable<int> Counted => Observable.Create<int>(observer =>
    {
        _subscriptions++;
        var inner = _source.Subscribe(observer);
        return () =>
        {
            _unsubscriptions++;
            inner.Dispose();
        };
    });

    [Fact]
    public void LateObserver_GetsTheLatestValueThenLiveOnes()
    {
        var shared = Counted.ReplayLatestWhileObserved();
        using var first = shared.Subscribe(_ => { });
        _source.OnNext(1);
        _source.OnNext(2);

        var late = new List<int>();
        using var second = shared.Subscribe(late.Add);
        _source.OnNext(3);

        Assert.Equal([2, 3], late);
    }

    [Fact]
    public void TwoObservers_SubscribeToTheSourceOnce()
    {
        var shared = Counted.ReplayLatestWhileObserved();

        using var first = shared.Subscribe(_ => { });
        using var second = shared.Subscribe(_ => { });

        Assert.Equal(1, _subscriptions);
    }

    [Fact]
    public void LastObserverLeaves_UnsubscribesAndTheNextStartsWithoutTheOldValue()
    {
        var shared = Counted.ReplayLatestWhileObserved();
        var first = shared.Subscribe(_ => { });
        var second = shared.Subscribe(_ => { });
        _source.OnNext(1);
        first.Dispose();
        var stillSubscribed = _unsubscriptions;
        second.Dispose();

        var next = new List<int>();
        using var third = shared.Subscribe(next.Add);
        _source.OnNext(2);

        Assert.Equal((0, 1, 2), (stillSubscribed, _unsubscriptions, _subscriptions));
        Assert.Equal([2], next);
    }

    [Fact]
    public void ValuesGivenWhileSubscribing_ReachTheFirstObserver()
    {
        var shared = Observable.Range(1, 3).Concat(Observable.Never<int>()).ReplayLatestWhileObserved();
        var seen = new List<int>();

        using var first = shared.Subscribe(seen.Add);

        Assert.Equal([1, 2, 3], seen);
    }
}
