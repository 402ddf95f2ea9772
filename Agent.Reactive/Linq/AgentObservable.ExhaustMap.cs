using System.Reactive.Disposables;
using System.Reactive.Linq;

namespace Agent.Reactive.Linq;

public static partial class AgentObservable
{
    /// <summary>
    /// Projects each element to an inner sequence and subscribes to it only when no earlier inner sequence
    /// is still running: elements that arrive while one runs are dropped, and the running one is never
    /// cancelled by them ("exhaust", the opposite of <c>Switch</c>). Completes when the source has completed
    /// and the running inner sequence (if any) has completed; the first error ends everything.
    /// </summary>
    /// <param name="source">Triggers, e.g. ticks.</param>
    /// <param name="selector">The work to start for a trigger that finds nothing running.</param>
    public static IObservable<TResult> ExhaustMap<TSource, TResult>(
        this IObservable<TSource> source,
        Func<TSource, IObservable<TResult>> selector)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(selector);

        return Observable.Create<TResult>(observer =>
        {
            var gate = new object();
            var running = false;
            var sourceCompleted = false;
            var stopped = false;
            var inner = new SerialDisposable();
            var outer = new SingleAssignmentDisposable();

            void Fail(Exception error)
            {
                lock (gate)
                {
                    if (stopped) return;
                    stopped = true;
                    observer.OnError(error);
                }
            }

            void OnInnerCompleted()
            {
                lock (gate)
                {
                    running = false;
                    if (!sourceCompleted || stopped) return;
                    stopped = true;
                    observer.OnCompleted();
                }
            }

            void OnSourceNext(TSource value)
            {
                lock (gate)
                {
                    if (running || stopped) return;
                    running = true;
                }

                IObservable<TResult> next;
                try
                {
                    next = selector(value);
                }
                catch (Exception error)
                {
                    Fail(error);
                    return;
                }

                var subscription = new SingleAssignmentDisposable();
                inner.Disposable = subscription;
                subscription.Disposable = next.SubscribeSafe(System.Reactive.Observer.Create<TResult>(
                    result =>
                    {
                        lock (gate)
                        {
                            if (!stopped) observer.OnNext(result);
                        }
                    },
                    Fail,
                    OnInnerCompleted));
            }

            void OnSourceCompleted()
            {
                lock (gate)
                {
                    sourceCompleted = true;
                    if (running || stopped) return;
                    stopped = true;
                    observer.OnCompleted();
                }
            }

            outer.Disposable = source.SubscribeSafe(
                System.Reactive.Observer.Create<TSource>(OnSourceNext, Fail, OnSourceCompleted));
            return new CompositeDisposable(outer, inner);
        });
    }
}
