using System.Reactive;
using System.Reactive.Disposables;
using System.Reactive.Linq;

namespace Agent.Reactive;

/// <summary>The agent's own Rx operators.</summary>
public static partial class AgentObservable
{
    /// <summary>
    /// Like <see cref="Observable.FromAsync{TResult}(Func{CancellationToken, Task{TResult}})"/>, but the result is
    /// delivered on the thread that completes the task (inline), not hopped to the thread pool: whoever completes it
    /// sees its effects at once, which keeps virtual-time specs deterministic. Disposing cancels the token.
    /// </summary>
    public static IObservable<T> FromTask<T>(Func<CancellationToken, Task<T>> start)
    {
        ArgumentNullException.ThrowIfNull(start);
        return Observable.Create<T>(observer =>
        {
            var cancellation = new CancellationDisposable();
            Observe(start(cancellation.Token), observer, t => t.Result, cancellation.Token);
            return cancellation;
        });
    }

    /// <summary>A task's completion as one <see cref="Unit"/> (or its error), delivered inline like <see cref="FromTask{T}"/>.</summary>
    public static IObservable<Unit> FromTask(Task task)
    {
        ArgumentNullException.ThrowIfNull(task);
        return Observable.Create<Unit>(observer =>
        {
            var cancellation = new CancellationDisposable();
            Observe(task, observer, _ => Unit.Default, cancellation.Token);
            return cancellation;
        });
    }

    private static void Observe<TTask, T>(TTask task, IObserver<T> observer, Func<TTask, T> result, CancellationToken unsubscribed)
        where TTask : Task
        => task.ContinueWith(
            completed =>
            {
                if (unsubscribed.IsCancellationRequested)
                    return;
                if (completed.IsFaulted)
                {
                    observer.OnError(completed.Exception!.InnerExceptions.Count == 1 ? completed.Exception.InnerException! : completed.Exception);
                }
                else if (completed.IsCanceled)
                {
                    observer.OnError(new OperationCanceledException());
                }
                else
                {
                    observer.OnNext(result((TTask)completed));
                    observer.OnCompleted();
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
}
