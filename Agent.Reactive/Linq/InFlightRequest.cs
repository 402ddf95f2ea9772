using System.Reactive;
using System.Reactive.Linq;

namespace Agent.Reactive.Linq;

/// <summary>What a send of <see cref="AgentObservable.OneInFlight{TSource, TRequest, TResult}"/> may ask about the elements behind it.</summary>
public sealed class InFlightRequest
{
    private readonly Func<bool> _hasWaiting;
    private readonly IObservable<Unit> _arrivals;

    internal InFlightRequest(Func<bool> hasWaiting, IObservable<Unit> arrivals)
    {
        _hasWaiting = hasWaiting;
        _arrivals = arrivals;
    }

    /// <summary>Whether a newer element waits for this request to end.</summary>
    public bool NewerWaiting => _hasWaiting();

    /// <summary>Signals once a newer element waits: at once when one does already, else when one arrives.</summary>
    public IObservable<Unit> NewerArrives
        => _arrivals
            .Merge(Observable.Defer(() => _hasWaiting() ? Observable.Return(Unit.Default) : Observable.Empty<Unit>()))
            .Take(1);
}
