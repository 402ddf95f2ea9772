using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using Microsoft.Extensions.Logging;

namespace Agent.Reactive.Scripts;

/// <summary>A script's runs on its cron schedule (Coder's <c>cron</c> with <c>SkipIfStillRunning</c>).</summary>
public static class ScriptSchedule
{
    /// <summary>
    /// The occurrences of <paramref name="schedule"/> in <paramref name="zone"/> on <paramref name="scheduler"/>'s
    /// clock, each produced at its time, from the scheduler's time at subscription on; completes when none is left.
    /// </summary>
    public static IObservable<DateTimeOffset> Ticks(CronSchedule schedule, TimeZoneInfo zone, IScheduler scheduler)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        ArgumentNullException.ThrowIfNull(zone);
        ArgumentNullException.ThrowIfNull(scheduler);
        return Observable.Create<DateTimeOffset>(observer =>
        {
            var timer = new SerialDisposable();

            void ScheduleAfter(DateTimeOffset after)
            {
                if (schedule.Next(after, zone) is not { } next)
                {
                    observer.OnCompleted();
                    return;
                }

                timer.Disposable = scheduler.Schedule(next, () =>
                {
                    observer.OnNext(next);
                    ScheduleAfter(next);
                });
            }

            ScheduleAfter(scheduler.Now);
            return timer;
        });
    }

    /// <summary>
    /// Starts <paramref name="run"/> at each of <paramref name="ticks"/> unless the previous run is still going: that
    /// tick is skipped and logged, never overlapped. Passes the runs' outputs on. When <paramref name="stop"/>
    /// produces (shutdown) or the ticks end, no run starts any more and the result completes once the running one (if
    /// any) ended; unsubscribing kills the running one.
    /// </summary>
    /// <param name="name">The script's name, for the log.</param>
    /// <param name="ticks">When to run (<see cref="Ticks"/>).</param>
    /// <param name="stop">Produces when runs should stop starting.</param>
    /// <param name="run">One run of the script.</param>
    /// <param name="logger">Where skipped ticks are logged.</param>
    public static IObservable<T> Run<T, TStop>(
        string name,
        IObservable<DateTimeOffset> ticks,
        IObservable<TStop> stop,
        Func<DateTimeOffset, IObservable<T>> run,
        ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(ticks);
        ArgumentNullException.ThrowIfNull(stop);
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(logger);
        return Observable.Create<T>(observer =>
        {
            var gate = new object();
            var running = false;
            var noMoreTicks = false;
            var completed = false;
            var current = new SerialDisposable();

            void CompleteIfIdle()
            {
                lock (gate)
                {
                    if (running || !noMoreTicks || completed)
                        return;
                    completed = true;
                }

                observer.OnCompleted();
            }

            void Ended()
            {
                lock (gate)
                    running = false;
                CompleteIfIdle();
            }

            var ticking = ticks.TakeUntil(stop).Subscribe(
                tick =>
                {
                    lock (gate)
                    {
                        if (running)
                        {
                            logger.ScheduledRunSkipped(name, tick);
                            return;
                        }

                        running = true;
                    }

                    logger.ScheduledRunStarting(name, tick);
                    current.Disposable = run(tick).Subscribe(observer.OnNext, _ => Ended(), Ended);
                },
                observer.OnError,
                () =>
                {
                    lock (gate)
                        noMoreTicks = true;
                    CompleteIfIdle();
                });
            return new CompositeDisposable(ticking, current);
        });
    }
}
