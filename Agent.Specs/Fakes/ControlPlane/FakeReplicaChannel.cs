using System.Reactive.Linq;
using System.Reactive.Subjects;
using Agent.Runtime.ControlPlane.Replicas;

namespace Agent.Specs.Fakes.ControlPlane;

/// <summary>
/// An <see cref="IReplicaChannel"/> in memory: keeps what is sent (in order), fails sends while <see cref="Failing"/>,
/// and hands each listening subscription a subject the spec drives (<see cref="Listener"/>), counting them.
/// </summary>
public sealed class FakeReplicaChannel : IReplicaChannel
{
    private readonly Lock _gate = new();
    private readonly List<string> _sent = [];
    private int _started;

    /// <summary>While set, every send throws <see cref="IOException"/> and sends nothing.</summary>
    public bool Failing { get; set; }

    /// <summary>The payloads sent, in order.</summary>
    public IReadOnlyList<string> Sent
    {
        get
        {
            lock (_gate)
                return [.. _sent];
        }
    }

    /// <summary>How many times <see cref="Listen"/> was subscribed.</summary>
    public int Listens { get; private set; }

    /// <summary>The newest listening subscription's payloads: <c>OnNext(null)</c> says it listens, <c>OnError</c> drops it.</summary>
    public Subject<string?> Listener { get; private set; } = new();

    /// <summary>Awaited by each send before it sends: lets a spec hold a send in flight.</summary>
    public Func<Task>? Gate { get; set; }

    /// <summary>Sends started, including one held by <see cref="Gate"/>.</summary>
    public int SendsStarted => Volatile.Read(ref _started);

    public async Task NotifyAsync(IReadOnlyList<string> payloads, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _started);
        if (Gate is { } gate)
            await gate();
        if (Failing)
            throw new IOException("the database is gone");

        lock (_gate)
            _sent.AddRange(payloads);
    }

    public IObservable<string?> Listen() => Observable.Defer(() =>
    {
        Listens++;
        Listener = new Subject<string?>();
        return Listener;
    });
}
