using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Reactive.Linq;

namespace Agent.Reactive.Linq;

public static partial class AgentObservable
{
    /// <summary>
    /// Groups <paramref name="source"/> into buffers that close when <paramref name="quiet"/> passes without a
    /// new item, or as soon as they hold <paramref name="count"/> items (Coder's script log flush rule).
    /// Buffers are never empty; the remainder is flushed when the source completes; an error is passed on
    /// and drops the open buffer.
    /// </summary>
    /// <param name="source">The items to group.</param>
    /// <param name="quiet">How long without a new item closes the open buffer; positive.</param>
    /// <param name="count">How many items close a buffer at once; at least 1.</param>
    /// <param name="scheduler">Where the quiet timer runs (virtual time in specs).</param>
    public static IObservable<IList<T>> BufferUntilQuietOrCount<T>(
        this IObservable<T> source,
        TimeSpan quiet,
        int count,
        IScheduler scheduler)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(scheduler);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(quiet, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);

        return Observable.Create<IList<T>>(observer =>
        {
            var gate = new object();
            var timer = new SerialDisposable();
            var buffer = new List<T>();
            var generation = 0L;

            void CloseBuffer()
            {
                timer.Disposable = Disposable.Empty;
                generation++;
                if (buffer.Count == 0)
                    return;
                var closed = buffer;
                buffer = [];
                observer.OnNext(closed);
            }

            var subscription = source.SubscribeSafe(System.Reactive.Observer.Create<T>(
                item =>
                {
                    lock (gate)
                    {
                        buffer.Add(item);
                        if (buffer.Count >= count)
                        {
                            CloseBuffer();
                            return;
                        }

                        var armed = ++generation;
                        timer.Disposable = scheduler.Schedule(quiet, () =>
                        {
                            lock (gate)
                            {
                                if (armed == generation)
                                    CloseBuffer();
                            }
                        });
                    }
                },
                error =>
                {
                    lock (gate)
                    {
                        timer.Dispose();
                        buffer = [];
                        observer.OnError(error);
                    }
                },
                () =>
                {
                    lock (gate)
                    {
                        CloseBuffer();
                        timer.Dispose();
                        observer.OnCompleted();
                    }
                }));

            return new CompositeDisposable(subscription, timer);
        });
    }
}
