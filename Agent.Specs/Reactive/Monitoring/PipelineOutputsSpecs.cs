using System.Reactive.Linq;
using Agent.Reactive.Monitoring;
using Microsoft.Reactive.Testing;

namespace Agent.Specs.Reactive.Monitoring;

public sealed class PipelineOutputsSpecs : ReactiveTest
{
    private static readonly DateTimeOffset At = new(2023, 6, 6, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Products_EventsBetweenProducts_HandsEachEventOnInOrderAndPassesOnlyTheProducts()
    {
        var scheduler = new TestScheduler();
        var source = scheduler.CreateHotObservable(
            OnNext(10, PipelineOutputs.Event<int>(new ConnectionChanged(At, ConnectionState.Connecting))),
            OnNext(20, PipelineOutputs.Product(1)),
            OnNext(30, PipelineOutputs.Event<int>(new ConnectionChanged(At, ConnectionState.Connected))),
            OnNext(40, PipelineOutputs.Product(2)),
            OnCompleted<PipelineOutput<int>>(50));
        var seen = new List<string>();

        var results = scheduler.Start(
            () => source
                .Products(told => seen.Add(((ConnectionChanged)told).State.ToString()))
                .Do(product => seen.Add(product.ToString(System.Globalization.CultureInfo.InvariantCulture))),
            created: 0,
            subscribed: 5,
            disposed: 1000);

        Assert.Equal(["Connecting", "1", "Connected", "2"], seen);
        Assert.Equal([OnNext(20, 1), OnNext(40, 2), OnCompleted<int>(50)], results.Messages);
        Assert.Equal([Subscribe(5, 50)], source.Subscriptions);
    }

    [Fact]
    public void Products_SourceFails_PassesTheError()
    {
        var scheduler = new TestScheduler();
        var error = new InvalidOperationException("lost");
        var source = scheduler.CreateHotObservable(
            OnNext(10, PipelineOutputs.Event<int>(new ConnectionChanged(At, ConnectionState.Connecting))),
            OnError<PipelineOutput<int>>(20, error));
        var events = new List<AgentEvent>();

        var results = scheduler.Start(() => source.Products(events.Add), created: 0, subscribed: 5, disposed: 1000);

        Assert.Single(events);
        Assert.Equal([OnError<int>(20, error)], results.Messages);
    }

    [Fact]
    public void Event_Null_Throws()
        => Assert.Throws<ArgumentNullException>(() => PipelineOutputs.Event<int>(null!));
}
