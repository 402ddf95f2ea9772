using Agent.Runtime.ControlPlane.Replicas;
using Agent.Specs.Fakes.ControlPlane;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Reactive.Testing;

namespace Agent.Specs.Runtime.ControlPlane.Replicas;

/// <summary>The listening connection, kept in virtual time: a failure is retried with backoff, never ends the stream.</summary>
public sealed class ReplicaListenerSpecs
{
    private readonly TestScheduler _scheduler = new();
    private readonly FakeReplicaChannel _channel = new();

    [Fact]
    public void Payloads_ConnectionFailsAgain_ListensAgainAfter100Then200Then400Ms()
    {
        var received = new List<string?>();
        using var subscription = ReplicaListener.Payloads(_channel, ReplicaListener.Backoff, _scheduler, NullLogger.Instance, () => 0.5).Subscribe(received.Add);
        var listens = new List<(long Ms, int Listens)>();

        foreach (var ms in new[] { 0, 99, 100, 299, 300, 699, 700 })
        {
            _scheduler.AdvanceTo(TimeSpan.FromMilliseconds(ms).Ticks);
            if (_channel.Listens > listens.LastOrDefault().Listens)
                _channel.Listener.OnError(new IOException("connection refused"));
            listens.Add((ms, _channel.Listens));
        }

        Assert.Equal([(0L, 1), (99, 1), (100, 2), (299, 2), (300, 3), (699, 3), (700, 4)], listens);
        Assert.Empty(received);
    }

    [Fact]
    public void Payloads_ListeningThenLost_ConnectedMarkerEachTimeAndPayloadsBetween()
    {
        var received = new List<string?>();
        using var subscription = ReplicaListener.Payloads(_channel, ReplicaListener.Backoff, _scheduler, NullLogger.Instance, () => 0.5).Subscribe(received.Add);

        _channel.Listener.OnNext(null);
        _channel.Listener.OnNext("a");
        _channel.Listener.OnCompleted();
        _scheduler.AdvanceBy(TimeSpan.FromMilliseconds(100).Ticks);
        _channel.Listener.OnNext(null);

        Assert.Equal([null, "a", null], received);
        Assert.Equal(2, _channel.Listens);
    }
}
