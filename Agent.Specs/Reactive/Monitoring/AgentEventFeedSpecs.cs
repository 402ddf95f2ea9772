using System.Globalization;
using Agent.Reactive.Monitoring;
using Agent.Reactive.Protocol;

namespace Agent.Specs.Reactive.Monitoring;

public sealed class AgentEventFeedSpecs : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private readonly AgentEventFeed _feed = new();

    [Fact]
    public void Subscribe_LateSubscriber_GetsTheSnapshotThenLiveEvents()
    {
        _feed.Publish(Connected(0));
        _feed.Publish(Line(1));
        var seen = new List<AgentEvent>();

        using var subscription = _feed.Subscribe(seen.Add);
        _feed.Publish(Line(2));

        Assert.Equal([Connected(0), Line(1), Line(2)], seen);
    }

    [Fact]
    public async Task Subscribe_WhilePublishingOnAnotherThread_NothingIsLostOrDoubled()
    {
        for (var round = 0; round < 20; round++)
        {
            using var feed = new AgentEventFeed();
            var seen = new List<AgentEvent>();
            using var go = new ManualResetEventSlim();
            var publisher = Task.Run(() =>
            {
                go.Wait(Deadline);
                for (var i = 0; i < 150; i++)
                    feed.Publish(Line(i));
            });

            go.Set();
            using var subscription = feed.Subscribe(seen.Add);
            await publisher.WaitAsync(Deadline);

            Assert.Equal(Enumerable.Range(0, 150).Select(Line), seen);
        }
    }

    [Fact]
    public void Publish_ObserverPublishesFromOnNext_EveryObserverSeesTheEventsInOneOrder()
    {
        var first = new List<AgentEvent>();
        var second = new List<AgentEvent>();
        using var republishing = _feed.Subscribe(agentEvent =>
        {
            first.Add(agentEvent);
            if (agentEvent == Line(1))
                _feed.Publish(Line(2));
        });
        using var watching = _feed.Subscribe(second.Add);

        _feed.Publish(Line(1));

        Assert.Equal([Line(1), Line(2)], first);
        Assert.Equal([Line(1), Line(2)], second);
    }

    [Fact]
    public void Publish_ObserverWaitsForAnotherThreadThatPublishesAndSubscribes_DoesNotDeadlock()
    {
        var helped = false;
        var late = new List<AgentEvent>();
        IDisposable? lateSubscription = null;
        using var waiting = _feed.Subscribe(agentEvent =>
        {
            if (agentEvent != Line(1))
                return;
            helped = Task.Run(() =>
            {
                _feed.Publish(Line(2));
                lateSubscription = _feed.Subscribe(late.Add);
            }).Wait(Deadline);
        });

        _feed.Publish(Line(1));
        using var subscription = lateSubscription;

        Assert.True(helped, "the other thread published and subscribed while an observer waited for it");
        Assert.Equal([Line(1), Line(2)], late);
    }

    [Fact]
    public void Subscribe_ObserverSubscribesFromOnNext_TheNewOneStartsWithTheSnapshotOnce()
    {
        var inner = new List<AgentEvent>();
        IDisposable? innerSubscription = null;
        using var outer = _feed.Subscribe(agentEvent =>
        {
            if (agentEvent == Line(1))
                innerSubscription = _feed.Subscribe(inner.Add);
        });

        _feed.Publish(Line(1));
        _feed.Publish(Line(2));
        using var subscription = innerSubscription;

        Assert.Equal([Line(1), Line(2)], inner);
    }

    [Fact]
    public void Subscription_Disposed_ReceivesNothingMore()
    {
        var seen = new List<AgentEvent>();
        var subscription = _feed.Subscribe(seen.Add);
        _feed.Publish(Line(1));

        subscription.Dispose();
        _feed.Publish(Line(2));

        Assert.Equal([Line(1)], seen);
    }

    [Fact]
    public void Dispose_CompletesSubscribersAndIgnoresLaterEvents()
    {
        var seen = new List<AgentEvent>();
        var completed = 0;
        using var subscription = _feed.Subscribe(seen.Add, () => completed++);

        _feed.Dispose();
        _feed.Publish(Line(1));
        using var late = _feed.Subscribe(seen.Add, () => completed++);

        Assert.Empty(seen);
        Assert.Equal(2, completed);
    }

    [Fact]
    public void Snapshot_KeepsTheLifecycleHistoryAndTheLogTail()
    {
        for (var i = 0; i < AgentEventFeed.LogTailLines + 5; i++)
            _feed.Publish(Line(i));
        _feed.Publish(new LifecycleChanged(At(1), LifecycleState.Starting));

        var snapshot = _feed.Snapshot();

        Assert.Equal(new LifecycleChanged(At(1), LifecycleState.Starting), snapshot[0]);
        Assert.Equal(Line(5), snapshot[1]);
        Assert.Equal(AgentEventFeed.LogTailLines + 1, snapshot.Count);
    }

    public void Dispose() => _feed.Dispose();

    private static DateTimeOffset At(int seconds) => new(TimeSpan.FromSeconds(seconds).Ticks, TimeSpan.Zero);

    private static ConnectionChanged Connected(int at) => new(At(at), ConnectionState.Connected);

    private static LogLine Line(int number) => new(At(number), "startup", number.ToString(CultureInfo.InvariantCulture));
}
