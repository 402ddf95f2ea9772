using System.Reactive;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using System.Reactive.Subjects;

namespace Agent.Reactive.Linq;

public static partial class AgentObservable
{
    /// <summary>
    /// One request in flight, the rest waits: each element goes to <paramref name="waiting"/>, and whenever nothing
    /// is in flight the next request taken from it is sent with <paramref name="send"/>. A request in flight is never
    /// cancelled by newer elements (only by disposal); what <paramref name="waiting"/> keeps while it runs decides
    /// the policy: only the newest (<see cref="LatestWaits{T}"/>), or everything in order within a bound. Emits what
    /// the sends emit, in order; completes once the source completed and <paramref name="waiting"/> has nothing more
    /// to take; the first error of the source or of a send ends everything.
    /// </summary>
    /// <param name="source">What asks for requests, e.g. state changes or batches of lines.</param>
    /// <param name="waiting">What waits while a request is in flight; called under the operator's lock.</param>
    /// <param name="send">
    /// Sends one request; its completion frees the slot. The <see cref="InFlightRequest"/> tells it whether newer
    /// elements wait, so that it can stop retrying in their favour.
    /// </param>
    public static IObservable<TResult> OneInFlight<TSource, TRequest, TResult>(
        this IObservable<TSource> source,
        IWaitingRequests<TSource, TRequest> waiting,
        Func<TRequest, InFlightRequest, IObservable<TResult>> send)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(waiting);
        ArgumentNullException.ThrowIfNull(send);
        return Observable.Create<TResult>(observer =>
        {
            var run = new OneInFlightRun<TSource, TRequest, TResult>(System.Reactive.Observer.Synchronize(observer), waiting, send);
            run.Start(source);
            return run;
        });
    }

    private sealed class OneInFlightRun<TSource, TRequest, TResult>(
        IObserver<TResult> observer,
        IWaitingRequests<TSource, TRequest> waiting,
        Func<TRequest, InFlightRequest, IObservable<TResult>> send) : IDisposable
    {
        private readonly Lock _gate = new();
        private readonly SingleAssignmentDisposable _subscription = new();
        private readonly Subject<Unit> _arrivals = new();
        private readonly SerialDisposable _inFlight = new();
        private bool _sending;
        private bool _sourceCompleted;
        private bool _stopped;
        private int _drainers;

        public void Start(IObservable<TSource> source)
            => _subscription.Disposable = source.SubscribeSafe(System.Reactive.Observer.Create<TSource>(OnSourceNext, Fail, OnSourceCompleted));

        /// <summary>Unsubscribes from the source and cancels the send in flight.</summary>
        public void Dispose()
        {
            lock (_gate)
                _stopped = true;
            _subscription.Dispose();
            _inFlight.Dispose();

            // Completed rather than disposed: a source element racing with this disposal may still signal it.
            _arrivals.OnCompleted();
        }

        private void OnSourceNext(TSource value)
        {
            lock (_gate)
            {
                if (_stopped)
                    return;
                waiting.Add(value);
            }

            _arrivals.OnNext(Unit.Default);
            Drain();
        }

        private void OnSourceCompleted()
        {
            lock (_gate)
                _sourceCompleted = true;
            Drain();
        }

        private void Fail(Exception error)
        {
            lock (_gate)
            {
                if (_stopped)
                    return;
                _stopped = true;
            }

            _inFlight.Dispose();
            observer.OnError(error);
        }

        // Steps one at a time, without recursion when a send ends at once (a synchronous answer).
        private void Drain()
        {
            if (Interlocked.Increment(ref _drainers) != 1)
                return;
            do
            {
                Step();
            }
            while (Interlocked.Decrement(ref _drainers) != 0);
        }

        private void Step()
        {
            TRequest? request;
            bool finished;
            lock (_gate)
            {
                if (_stopped || _sending)
                    return;
                _sending = waiting.TryTake(_sourceCompleted, out request);
                finished = !_sending && _sourceCompleted;
                _stopped |= finished;
            }

            if (finished)
            {
                observer.OnCompleted();
                return;
            }

            if (!_sending)
                return;

            // In place before subscribing: a send that ends at once must not have its successor replaced by it.
            var step = new SingleAssignmentDisposable();
            _inFlight.Disposable = step;
            step.Disposable = send(request!, new InFlightRequest(HasWaiting, _arrivals)).SubscribeSafe(
                System.Reactive.Observer.Create<TResult>(OnResult, Fail, OnSent));
        }

        private bool HasWaiting()
        {
            lock (_gate)
                return waiting.HasWaiting;
        }

        private void OnResult(TResult result)
        {
            lock (_gate)
            {
                if (_stopped)
                    return;
            }

            observer.OnNext(result);
        }

        private void OnSent()
        {
            lock (_gate)
                _sending = false;
            Drain();
        }
    }
}
