using System.Reactive.Concurrency;
using System.Reactive.Linq;
using Agent.Reactive.Effects;
using Agent.Reactive.Linq;
using Agent.Reactive.Protocol;
using Microsoft.Extensions.Logging;

namespace Agent.Reactive.Lifecycle;

/// <summary>
/// Coder's <c>reportLifecycleLoop</c>: only the latest state matters. Each report is posted and retried
/// (1 s doubling to 15 s) until the control plane takes it. One post is in flight at a time and is never
/// cancelled by a newer report; reports that arrive meanwhile wait, and only the newest of them is sent next
/// (a newer report also replaces one that is waiting to be retried). Intermediate states can so be lost
/// while the control plane is slow or away; every report keeps its own <c>changed_at</c>.
/// </summary>
public static class LifecycleReporting
{
    /// <summary>The retry policy of lifecycle posts: 1 s, 2 s, 4 s, 8 s, then every 15 s.</summary>
    public static BackoffPolicy Retry { get; } = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(15));

    /// <summary>
    /// Posts the reports of <paramref name="changes"/> and emits each one the control plane acknowledged.
    /// Cold: every subscription posts on its own, so share one subscription (for example with
    /// <c>Replay(1)</c>) between the agent and a shutdown that waits for the final state. Completes once
    /// <paramref name="changes"/> completed and the last report was acknowledged; disposing cancels the
    /// post in flight and any retry.
    /// </summary>
    public static IObservable<LifecycleReport> Acknowledged(
        IObservable<LifecycleReport> changes,
        IControlPlaneClient client,
        IScheduler scheduler,
        ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(changes);
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(scheduler);
        ArgumentNullException.ThrowIfNull(logger);

        return Observable.Defer(() => changes.OneInFlight(
            new LatestWaits<LifecycleReport>(),
            (report, inFlight) => Post(report, 0, inFlight, client, scheduler, logger)));
    }

    // A failed post is retried unless a newer report waits (then that one goes at once); a newer report arriving
    // during the retry wait cuts it short. The post itself is never cut short.
    private static IObservable<LifecycleReport> Post(
        LifecycleReport report, int attempt, InFlightRequest inFlight, IControlPlaneClient client, IScheduler scheduler, ILogger logger)
        => AgentObservable
            .FromTask(cancellation => client.PostLifecycleAsync(report, cancellation), scheduler)
            .Select(_ => report)
            .Catch((Exception error) =>
            {
                if (inFlight.NewerWaiting)
                {
                    logger.ReportReplaced(report.State, error.Message);
                    return Observable.Empty<LifecycleReport>();
                }

                var delay = Retry.DelayFor(attempt, 0.5);
                logger.ReportRetrying(report.State, error.Message, delay);
                return Observable
                    .Timer(delay, scheduler)
                    .TakeUntil(inFlight.NewerArrives)
                    .SelectMany(_ => Post(report, attempt + 1, inFlight, client, scheduler, logger));
            });
}
