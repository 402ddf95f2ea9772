using System.Reactive;
using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Reactive.Linq;

namespace Agent.Reactive.Linq;

/// <summary>The agent's own Rx operators.</summary>
public static partial class AgentObservable
{
    /// <summary>
    /// The one bridge from a task to an observable in the pipelines. Each subscription calls
    /// <paramref name="start"/> with a token that disposing cancels. A task that is already finished when
    /// <paramref name="start"/> returns is delivered at once; one that finishes later is delivered on
    /// <paramref name="scheduler"/>, never on the thread that finished it: in production the agent's scheduler,
    /// in specs a virtual clock, so an answer the spec gives is seen on the clock's next step. Nothing is
    /// delivered after disposal. A fault is the task's exception (unwrapped when single); a cancellation is an
    /// <see cref="OperationCanceledException"/>.
    /// </summary>
    public static IObservable<T> FromTask<T>(Func<CancellationToken, Task<T>> start, IScheduler scheduler)
    {
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(scheduler);
        return Bridge(start, task => task.Result, scheduler);
    }

    /// <summary>A task without a result as one <see cref="Unit"/> (or its error), delivered like <see cref="FromTask{T}"/>.</summary>
    public static IObservable<Unit> FromTask(Func<CancellationToken, Task> start, IScheduler scheduler)
    {
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(scheduler);
        return Bridge(start, _ => Unit.Default, scheduler);
    }

    private static IObservable<T> Bridge<TTask, T>(Func<CancellationToken, TTask> start, Func<TTask, T> result, IScheduler scheduler)
        where TTask : Task
        => Observable.Create<T>(observer =>
        {
            var cancellation = new CancellationDisposable();
            TTask task;
            try
            {
                task = start(cancellation.Token);
            }
            catch (Exception error)
            {
                observer.OnError(error);
                return cancellation;
            }

            if (task.IsCompleted)
            {
                Deliver(task, result, observer);
                return cancellation;
            }

            var delivery = new SingleAssignmentDisposable();
            task.ContinueWith(
                completed =>
                {
                    if (!cancellation.IsDisposed)
                        delivery.Disposable = scheduler.Schedule(() => Deliver((TTask)completed, result, observer));
                },
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
            return new CompositeDisposable(delivery, cancellation);
        });

    private static void Deliver<TTask, T>(TTask task, Func<TTask, T> result, IObserver<T> observer)
        where TTask : Task
    {
        if (task.IsFaulted)
        {
            var error = task.Exception!;
            observer.OnError(error.InnerExceptions.Count == 1 ? error.InnerException! : error);
        }
        else if (task.IsCanceled)
        {
            observer.OnError(new OperationCanceledException());
        }
        else
        {
            observer.OnNext(result(task));
            observer.OnCompleted();
        }
    }
}
