using System.Reactive;
using System.Reactive.Linq;
using Agent.Reactive;
using Agent.Reactive.Linq;
using Microsoft.Reactive.Testing;

namespace Agent.Specs.Reactive.Linq;

public sealed class RetryWithBackoffSpecs
{
    private static readonly BackoffPolicy Plain = new(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(10));

    private readonly TestScheduler _scheduler = new();
    private readonly List<TimeSpan> _attempts = [];

    [Fact]
    public void RetryWithBackoff_AlwaysFailing_WaitsDoublingDelaysCappedAt10s()
    {
        using var subscription = FailingFrom(delay: TimeSpan.Zero).RetryWithBackoff(Plain, _scheduler).Subscribe(_ => { }, _ => { });

        _scheduler.AdvanceTo(TimeSpan.FromSeconds(60).Ticks);

        double[] expectedMs = [0, 100, 300, 700, 1_500, 3_100, 6_300, 12_700, 22_700, 32_700, 42_700, 52_700];
        Assert.Equal(expectedMs.Select(TimeSpan.FromMilliseconds), _attempts);
    }

    [Fact]
    public void RetryWithBackoff_OnRetry_IsToldTheErrorAndTheDelay()
    {
        var told = new List<(string Message, TimeSpan Delay)>();
        using var subscription = FailingFrom(TimeSpan.Zero)
            .RetryWithBackoff(Plain, _scheduler, onRetry: (error, delay) => told.Add((error.Message, delay)))
            .Subscribe(_ => { }, _ => { });

        _scheduler.AdvanceTo(TimeSpan.FromMilliseconds(300).Ticks);

        Assert.Equal([("down", TimeSpan.FromMilliseconds(100)), ("down", TimeSpan.FromMilliseconds(200)), ("down", TimeSpan.FromMilliseconds(400))], told);
    }

    [Fact]
    public void RetryWithBackoff_Jitter_DelaysStayWithinBounds()
    {
        var policy = Plain with { Jitter = 0.2 };
        var random = new Random(7);
        var delays = new List<TimeSpan>();
        using var subscription = FailingFrom(TimeSpan.Zero)
            .RetryWithBackoff(policy, _scheduler, onRetry: (_, delay) => delays.Add(delay), random: random.NextDouble)
            .Subscribe(_ => { }, _ => { });

        _scheduler.AdvanceTo(TimeSpan.FromMinutes(3).Ticks);

        Assert.True(delays.Count > 15);
        for (var attempt = 0; attempt < delays.Count; attempt++)
        {
            var nominal = Plain.DelayFor(attempt, 0.5);
            Assert.InRange(delays[attempt], nominal * 0.8, nominal * 1.2 > Plain.Maximum ? Plain.Maximum : nominal * 1.2);
            if (attempt + 1 < _attempts.Count)
                Assert.Equal(_attempts[attempt + 1] - _attempts[attempt], delays[attempt]);
        }

        Assert.Contains(Enumerable.Range(0, 8), attempt => delays[attempt] != Plain.DelayFor(attempt, 0.5));
    }

    [Fact]
    public void RetryWithBackoff_SubscriptionLivedResetAfter_StartsOverFromInitial()
    {
        var policy = Plain with { ResetAfter = TimeSpan.FromMinutes(1) };
        var lifetimes = new Queue<TimeSpan>([TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.FromSeconds(61), TimeSpan.Zero]);
        var source = Observable.Defer(() =>
        {
            _attempts.Add(Elapsed);
            var lifetime = lifetimes.Count > 0 ? lifetimes.Dequeue() : TimeSpan.Zero;
            var error = Observable.Throw<int>(new InvalidOperationException("down"));
            return lifetime == TimeSpan.Zero ? error : Observable.Timer(lifetime, _scheduler).SelectMany(_ => error);
        });
        using var subscription = source.RetryWithBackoff(policy, _scheduler).Subscribe(_ => { }, _ => { });

        _scheduler.AdvanceTo(TimeSpan.FromSeconds(62).Ticks);

        // 0, 0.1, 0.3 fail at once; the attempt at 0.7 s lives 61 s and fails at 61.7 s: the next waits 100 ms again.
        double[] expectedMs = [0, 100, 300, 700, 61_800, 62_000];
        Assert.Equal(expectedMs.Select(TimeSpan.FromMilliseconds), _attempts);
    }

    [Fact]
    public void RetryWithBackoff_SubscriptionShorterThanResetAfter_KeepsGrowing()
    {
        var policy = Plain with { ResetAfter = TimeSpan.FromMinutes(1) };
        using var subscription = FailingFrom(TimeSpan.FromSeconds(59)).RetryWithBackoff(policy, _scheduler).Subscribe(_ => { }, _ => { });

        _scheduler.AdvanceTo(TimeSpan.FromSeconds(59 + 0.1 + 59 + 0.2 + 1).Ticks);

        double[] expectedMs = [0, 59_100, 118_300];
        Assert.Equal(expectedMs.Select(TimeSpan.FromMilliseconds), _attempts);
    }

    [Fact]
    public void RetryWithBackoff_ShouldRetryFalse_EndsWithTheError()
    {
        var fatal = new UnauthorizedAccessException("no");
        var source = Observable.Defer(() =>
        {
            _attempts.Add(Elapsed);
            return Observable.Throw<int>(_attempts.Count < 3 ? new InvalidOperationException("down") : fatal);
        });
        var observer = _scheduler.CreateObserver<int>();
        using var subscription = source.RetryWithBackoff(Plain, _scheduler, shouldRetry: error => error is InvalidOperationException).Subscribe(observer);

        _scheduler.AdvanceTo(TimeSpan.FromSeconds(10).Ticks);

        Assert.Equal(3, _attempts.Count);
        var only = Assert.Single(observer.Messages);
        Assert.Equal(NotificationKind.OnError, only.Value.Kind);
        Assert.Same(fatal, only.Value.Exception);
        Assert.Equal(TimeSpan.FromMilliseconds(300).Ticks, only.Time);
    }

    [Fact]
    public void RetryWithBackoff_ValuesAndCompletion_PassThrough()
    {
        var source = Observable.Defer(() =>
        {
            _attempts.Add(Elapsed);
            return _attempts.Count == 1
                ? Observable.Return(1).Concat(Observable.Throw<int>(new InvalidOperationException("down")))
                : Observable.Range(2, 2);
        });
        var observer = _scheduler.CreateObserver<int>();
        using var subscription = source.RetryWithBackoff(Plain, _scheduler).Subscribe(observer);

        _scheduler.AdvanceTo(TimeSpan.FromSeconds(10).Ticks);

        Assert.Equal([1, 2, 3], observer.Messages.Where(m => m.Value.Kind == NotificationKind.OnNext).Select(m => m.Value.Value));
        Assert.Equal(NotificationKind.OnCompleted, observer.Messages[^1].Value.Kind);
        Assert.Equal(2, _attempts.Count);
    }

    [Fact]
    public void RetryWithBackoff_DisposedDuringAWait_NeverResubscribes()
    {
        var subscription = FailingFrom(TimeSpan.Zero).RetryWithBackoff(Plain, _scheduler).Subscribe(_ => { }, _ => { });
        _scheduler.AdvanceTo(TimeSpan.FromMilliseconds(150).Ticks);
        Assert.Equal(2, _attempts.Count);

        subscription.Dispose();
        _scheduler.AdvanceTo(TimeSpan.FromMinutes(5).Ticks);

        Assert.Equal(2, _attempts.Count);
    }

    [Fact]
    public void RetryWithBackoff_DisposedWhileSubscribed_DisposesTheSource()
    {
        var disposals = 0;
        var source = Observable.Create<int>(_ =>
        {
            _attempts.Add(Elapsed);
            return () => disposals++;
        });
        var subscription = source.RetryWithBackoff(Plain, _scheduler).Subscribe(_ => { });

        subscription.Dispose();

        Assert.Single(_attempts);
        Assert.Equal(1, disposals);
    }

    [Fact]
    public void RetryWithBackoff_SubscribeThrowsSynchronously_RetriesOnSchedule()
    {
        var source = Observable.Create<int>(observer =>
        {
            _attempts.Add(Elapsed);
            if (_attempts.Count < 4)
                throw new InvalidOperationException("refused while subscribing");
            observer.OnNext(42);
            return () => { };
        });
        var observer = _scheduler.CreateObserver<int>();
        using var subscription = source.RetryWithBackoff(Plain, _scheduler).Subscribe(observer);

        _scheduler.AdvanceTo(TimeSpan.FromSeconds(5).Ticks);

        double[] expectedMs = [0, 100, 300, 700];
        Assert.Equal(expectedMs.Select(TimeSpan.FromMilliseconds), _attempts);
        var value = Assert.Single(observer.Messages);
        Assert.Equal(42, value.Value.Value);
        Assert.Equal(TimeSpan.FromMilliseconds(700).Ticks, value.Time);
    }

    [Fact]
    public void RetryWithBackoff_SynchronousOnErrorThenDispose_LeavesNoRetryBehind()
    {
        var subscription = FailingFrom(TimeSpan.Zero).RetryWithBackoff(Plain, _scheduler).Subscribe(_ => { }, _ => { });
        Assert.Single(_attempts);

        subscription.Dispose();
        _scheduler.AdvanceTo(TimeSpan.FromMinutes(1).Ticks);

        Assert.Single(_attempts);
    }

    private TimeSpan Elapsed => TimeSpan.FromTicks(_scheduler.Clock);

    // Each subscription is recorded, then fails after `delay` (synchronously when zero).
    private IObservable<int> FailingFrom(TimeSpan delay) => Observable.Defer(() =>
    {
        _attempts.Add(Elapsed);
        var error = Observable.Throw<int>(new InvalidOperationException("down"));
        return delay == TimeSpan.Zero ? error : Observable.Timer(delay, _scheduler).SelectMany(_ => error);
    });
}
