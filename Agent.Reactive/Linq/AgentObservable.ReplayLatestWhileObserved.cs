using System.Reactive.Disposables;
using System.Reactive.Linq;
using System.Reactive.Subjects;

namespace Agent.Reactive.Linq;

public static partial class AgentObservable
{
    /// <summary>
    /// Shares one subscription to <paramref name="source"/> among all observers, and gives each new observer the
    /// latest value first: the first observer subscribes to the source, the last one leaving unsubscribes and forgets
    /// the latest value, so the next first observer starts from a fresh subscription (unlike <c>Replay(1).RefCount()</c>,
    /// which would replay a value from before the gap). The source is subscribed under the operator's lock: a value it
    /// gives while subscribing reaches the observers that are subscribed by then.
    /// </summary>
    public static IObservable<T> ReplayLatestWhileObserved<T>(this IObservable<T> source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var gate = new Lock();
        ReplaySubject<T>? subject = null;
        var connection = new SerialDisposable();
        var observers = 0;
        return Observable.Create<T>(observer =>
        {
            IDisposable subscription;
            lock (gate)
            {
                var first = subject is null;
                subject ??= new ReplaySubject<T>(1);
                observers++;
                subscription = subject.Subscribe(observer);
                if (first)
                    connection.Disposable = source.Subscribe(subject);
            }

            return Disposable.Create(() =>
            {
                subscription.Dispose();
                lock (gate)
                {
                    if (--observers > 0)
                        return;

                    // The source goes first; the subject is only dropped, never disposed: a value the source is
                    // delivering on another thread at this moment must not meet a disposed subject.
                    connection.Disposable = Disposable.Empty;
                    subject = null;
                }
            });
        });
    }
}
