using System.Diagnostics.CodeAnalysis;
using System.Reactive;
using System.Reactive.Linq;
using Agent.Reactive;
using Agent.Reactive.Linq;
using Microsoft.Reactive.Testing;

namespace Agent.Specs.Reactive.Linq;

public sealed class OneInFlightSpecs : ReactiveTest
{
    private readonly TestScheduler _scheduler = new();
    private readonly List<(long At, int Request)> _sends = [];
    private readonly List<(long At, int Request)> _cancelled = [];

    [Fact]
    public void OneInFlight_NewerElementsWhileOneIsInFlight_ItIsNotCancelledAndOnlyTheNewestWaits()
    {
        var source = _scheduler.CreateHotObservable(OnNext(100, 1), OnNext(150, 2), OnNext(160, 3), OnCompleted<int>(170));

        var results = _scheduler.Start(() => source.OneInFlight(new LatestWaits<int>(), (request, _) => Send(request, 100)), 0, 0, 1000);

        Assert.Equal([(100L, 1), (200L, 3)], _sends);
        Assert.Empty(_cancelled);
        Assert.Equal([OnNext(200, 1), OnNext(300, 3), OnCompleted<int>(300)], results.Messages);
    }

    [Fact]
    public void OneInFlight_EverythingWaitsInOrder_SendsEachInTurn()
    {
        var source = _scheduler.CreateHotObservable(OnNext(100, 1), OnNext(110, 2), OnNext(120, 3), OnCompleted<int>(130));

        var results = _scheduler.Start(() => source.OneInFlight(new InOrder(), (request, _) => Send(request, 50)), 0, 0, 1000);

        Assert.Equal([(100L, 1), (150L, 2), (200L, 3)], _sends);
        Assert.Equal([OnNext(150, 1), OnNext(200, 2), OnNext(250, 3), OnCompleted<int>(250)], results.Messages);
    }

    [Fact]
    public void OneInFlight_SendsAnsweredAtOnce_RunOneAfterTheOtherWithoutRecursion()
    {
        var depth = 0;
        var deepest = 0;
        var source = Observable.Range(1, 10_000).Concat(Observable.Never<int>());
        var waiting = new InOrder();
        var sent = new List<int>();

        using var subscription = source.OneInFlight(waiting, (request, _) => Observable.Defer(() =>
        {
            deepest = Math.Max(deepest, ++depth);
            sent.Add(request);
            depth--;
            return Observable.Return(request);
        })).Subscribe(_ => { });

        Assert.Equal(Enumerable.Range(1, 10_000), sent);
        Assert.Equal(1, deepest);
    }

    [Fact]
    public void OneInFlight_SourceCompletes_AFinalRequestIsTakenThenItCompletes()
    {
        var source = _scheduler.CreateHotObservable(OnNext(100, 1), OnCompleted<int>(110));

        var results = _scheduler.Start(() => source.OneInFlight(new InOrder(finalRequest: 99), (request, _) => Send(request, 50)), 0, 0, 1000);

        Assert.Equal([(100L, 1), (150L, 99)], _sends);
        Assert.Equal([OnNext(150, 1), OnNext(200, 99), OnCompleted<int>(200)], results.Messages);
    }

    [Fact]
    public void OneInFlight_SendFails_EndsWithTheError()
    {
        var source = _scheduler.CreateHotObservable(OnNext(100, 1), OnNext(120, 2));
        var failure = new InvalidOperationException("refused");

        var results = _scheduler.Start(
            () => source.OneInFlight(new LatestWaits<int>(), (_, _) => Observable.Timer(TimeSpan.FromTicks(50), _scheduler).SelectMany(_ => Observable.Throw<int>(failure))),
            0,
            0,
            1000);

        Assert.Equal([OnError<int>(150, failure)], results.Messages);
    }

    [Fact]
    public void OneInFlight_Disposed_CancelsTheSendInFlight()
    {
        var source = _scheduler.CreateHotObservable(OnNext(100, 1));

        var results = _scheduler.Start(() => source.OneInFlight(new LatestWaits<int>(), (request, _) => Send(request, 500)), 0, 0, 300);

        Assert.Equal([(300L, 1)], _cancelled);
        Assert.Empty(results.Messages);
    }

    [Fact]
    public void InFlightRequest_NewerArrives_SignalsWhenAnElementStartsWaitingAndAtOnceWhenOneWaitsAlready()
    {
        var source = _scheduler.CreateHotObservable(OnNext(100, 1), OnNext(180, 2), OnNext(190, 3), OnCompleted<int>(400));
        var signals = new List<(int Request, long At)>();

        var results = _scheduler.Start(
            () => source.OneInFlight(
                new LatestWaits<int>(),
                (request, inFlight) => Observable
                    .Timer(TimeSpan.FromTicks(50), _scheduler)
                    .SelectMany(_ => inFlight.NewerArrives)
                    .Do(_ => signals.Add((request, _scheduler.Clock)))
                    .Select(_ => request)),
            0,
            0,
            1000);

        // 1 waits from 150 until 2 arrives (180); 2, sent at 180, finds 3 waiting already at 230; 3 waits for ever.
        Assert.Equal([(1, 180L), (2, 230L)], signals);
        Assert.Equal([OnNext(180, 1), OnNext(230, 2)], results.Messages);
    }

    private IObservable<int> Send(int request, long ticks) => Observable.Create<int>(observer =>
    {
        _sends.Add((_scheduler.Clock, request));
        var done = false;
        var timer = Observable.Timer(TimeSpan.FromTicks(ticks), _scheduler).Subscribe(_ =>
        {
            done = true;
            observer.OnNext(request);
            observer.OnCompleted();
        });
        return () =>
        {
            if (!done)
                _cancelled.Add((_scheduler.Clock, request));
            timer.Dispose();
        };
    });

    // Everything waits, in order; optionally one final request once the source completed.
    private sealed class InOrder(int? finalRequest = null) : IWaitingRequests<int, int>
    {
        private readonly Queue<int> _waiting = new();
        private int? _final = finalRequest;

        public bool HasWaiting => _waiting.Count > 0;

        public void Add(int value) => _waiting.Enqueue(value);

        public bool TryTake(bool sourceCompleted, [MaybeNullWhen(false)] out int request)
        {
            if (_waiting.TryDequeue(out request))
                return true;
            if (sourceCompleted && _final is { } final)
            {
                _final = null;
                request = final;
                return true;
            }

            return false;
        }
    }
}
