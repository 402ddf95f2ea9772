using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Reactive.Linq;

namespace Agent.Reactive.Linq;

/// <summary>The agent's own Rx operators.</summary>
public static partial class AgentObservable
{
    /// <summary>
    /// Resubscribes to <paramref name="source"/> after an error, waiting as <paramref name="policy"/> says.
    /// Errors for which <paramref name="shouldRetry"/> returns false end the stream; completion ends it too.
    /// </summary>
    /// <param name="source">The sequence to keep alive; it is subscribed again after each error.</param>
    /// <param name="policy">The delays between attempts.</param>
    /// <param name="scheduler">Where the delays run (virtual time in specs).</param>
    /// <param name="onRetry">Told of each error and the delay chosen before the next attempt.</param>
    /// <param name="shouldRetry">Decides whether an error is retried; all are by default.</param>
    /// <param name="random">Source of jitter in [0, 1); <see cref="Random.Shared"/> by default.</param>
    public static IObservable<T> RetryWithBackoff<T>(
        this IObservable<T> source,
        BackoffPolicy policy,
        IScheduler scheduler,
        Action<Exception, TimeSpan>? onRetry = null,
        Func<Exception, bool>? shouldRetry = null,
        Func<double>? random = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(scheduler);
        random ??= Random.Shared.NextDouble;

        return Observable.Create<T>(observer =>
        {
            var current = new SerialDisposable();
            var attempt = 0;

            void SubscribeOnce()
            {
                var startedAt = scheduler.Now;
                var subscription = new SingleAssignmentDisposable();
                current.Disposable = subscription;
                subscription.Disposable = source.SubscribeSafe(System.Reactive.Observer.Create<T>(
                    observer.OnNext,
                    error =>
                    {
                        if (shouldRetry is not null && !shouldRetry(error))
                        {
                            observer.OnError(error);
                            return;
                        }

                        if (policy.ResetAfter is { } resetAfter && scheduler.Now - startedAt >= resetAfter)
                            attempt = 0;
                        var delay = policy.DelayFor(attempt, random());
                        attempt++;
                        onRetry?.Invoke(error, delay);
                        current.Disposable = scheduler.Schedule(delay, SubscribeOnce);
                    },
                    observer.OnCompleted));
            }

            SubscribeOnce();
            return current;
        });
    }
}
