using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using Agent.Reactive.Effects;
using Agent.Reactive.Linq;
using Agent.Reactive.Monitoring;
using Agent.Reactive.Protocol;
using Microsoft.Extensions.Logging;

namespace Agent.Reactive.Statistics;

/// <summary>
/// Coder's <c>ReportStats</c>: learns the report interval from the control plane, then posts one window
/// of <see cref="AgentCounters"/> per interval to <c>POST me/report-stats</c>.
/// </summary>
public static class StatsReporting
{
    /// <summary>Every post (the first included) is retried with this backoff until it succeeds.</summary>
    public static readonly BackoffPolicy Retry = new(TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(1));

    /// <summary>An attempt that takes longer than this fails (and is retried).</summary>
    public static readonly TimeSpan PostTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Shorter intervals from the control plane are raised to this.</summary>
    public static readonly TimeSpan MinimumInterval = TimeSpan.FromSeconds(1);

    /// <summary>
    /// First posts an empty <see cref="Protocol.Stats"/> (no <c>connections_by_proto</c>), which only asks for
    /// <c>report_interval</c>; then, every interval, posts <see cref="AgentCounters.TakeWindow"/>. An answer
    /// with another interval re-arms the window (the old ticker is switched off). Failed posts are
    /// retried with <see cref="Retry"/>; ticks that come while a post is still being retried are skipped, so
    /// their counts go into the next window instead of queueing. A non-positive interval pauses reporting.
    /// Emits <see cref="StatsReported"/> after each successful window post (not for the first, empty one).
    /// </summary>
    /// <param name="counters">The counters to report.</param>
    /// <param name="client">Receives the stats and sets the interval.</param>
    /// <param name="scheduler">Intervals, retries and timestamps.</param>
    /// <param name="logger">Retries and interval changes.</param>
    public static IObservable<StatsReported> Run(
        AgentCounters counters, IControlPlaneClient client, IScheduler scheduler, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(counters);
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(scheduler);
        ArgumentNullException.ThrowIfNull(logger);

        return Observable.Create<StatsReported>(observer =>
        {
            var intervals = new Subject<TimeSpan>();
            var reports = intervals
                .DistinctUntilChanged()
                .Select(interval => Windows(interval, counters, client, scheduler, logger))
                .Switch()
                .Subscribe(
                    report =>
                    {
                        observer.OnNext(new StatsReported(scheduler.Now, report.Stats));
                        intervals.OnNext(report.Response.ReportInterval);
                    },
                    observer.OnError);
            var handshake = Post(new Protocol.Stats { ConnectionsByProto = null }, client, scheduler, logger)
                .Subscribe(response => intervals.OnNext(response.ReportInterval), observer.OnError);
            return new CompositeDisposable(handshake, reports);
        });
    }

    private static IObservable<(Protocol.Stats Stats, StatsResponse Response)> Windows(
        TimeSpan interval, AgentCounters counters, IControlPlaneClient client, IScheduler scheduler, ILogger logger)
    {
        if (interval <= TimeSpan.Zero)
        {
            logger.Paused(interval);
            return Observable.Never<(Protocol.Stats, StatsResponse)>();
        }

        var period = interval < MinimumInterval ? MinimumInterval : interval;
        logger.Reporting(period);
        return Observable.Interval(period, scheduler)
            .ExhaustMap(_ => Observable.Defer(() =>
            {
                var stats = counters.TakeWindow();
                return Post(stats, client, scheduler, logger).Select(response => (stats, response));
            }));
    }

    private static IObservable<StatsResponse> Post(
        Protocol.Stats stats, IControlPlaneClient client, IScheduler scheduler, ILogger logger)
        => AgentObservable
            .FromTask(cancellation => client.PostStatsAsync(stats, cancellation), scheduler)
            .Timeout(PostTimeout, scheduler)
            .RetryWithBackoff(
                Retry,
                scheduler,
                onRetry: (error, delay) => logger.Retrying(error, delay));
}
