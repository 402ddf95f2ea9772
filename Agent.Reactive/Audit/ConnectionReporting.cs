using System.Net;
using System.Reactive;
using System.Reactive.Concurrency;
using System.Reactive.Linq;
using Agent.Reactive.Effects;
using Agent.Reactive.Linq;
using Agent.Reactive.Protocol;
using Microsoft.Extensions.Logging;

namespace Agent.Reactive.Audit;

/// <summary>Ships the agent's connection reports to the control plane (<c>POST me/connections</c>).</summary>
public static class ConnectionReporting
{
    /// <summary>Retry delays of a POST that failed for another reason than 400, 404 or 413.</summary>
    public static BackoffPolicy RetryPolicy { get; } = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));

    /// <summary>
    /// Sends <paramref name="reports"/> in batches that close after <see cref="ConnectionReportingLimits.QuietPeriod"/>
    /// without a report or at <see cref="ConnectionReportingLimits.MaxBatchReports"/>; one POST in flight, the rest wait
    /// bounded in bytes (<see cref="ConnectionReportQueue"/>), the drops stated in the next batch. A failed POST is retried
    /// with <see cref="RetryPolicy"/>, except 400 and 413 (the batch counts as dropped) and 404: an old control plane,
    /// logged once, and nothing is sent until <paramref name="reconnected"/> signals a new control-plane connection.
    /// Produces once per accepted POST.
    /// </summary>
    public static IObservable<Unit> Run(
        IObservable<ConnectionReport> reports,
        IObservable<Unit> reconnected,
        IControlPlaneClient client,
        ConnectionReportingLimits limits,
        IScheduler scheduler,
        ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(reports);
        ArgumentNullException.ThrowIfNull(reconnected);
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentNullException.ThrowIfNull(scheduler);
        ArgumentNullException.ThrowIfNull(logger);
        return Observable.Defer(() =>
        {
            var queue = new ConnectionReportQueue(limits, logger);
            var resumes = reconnected.Do(_ => queue.Resume()).IgnoreElements();
            return reports
                .BufferUntilQuietOrCount(limits.QuietPeriod, limits.MaxBatchReports, scheduler)
                .OneInFlight(queue, (batch, _) => Send(batch, queue, client, scheduler, logger))
                .Merge(resumes);
        });
    }

    private static bool IsFinal(Exception error)
        => error is ControlPlaneException { StatusCode: HttpStatusCode.NotFound or HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge };

    private static IObservable<Unit> Send(ConnectionReportBatch batch, ConnectionReportQueue queue, IControlPlaneClient client, IScheduler scheduler, ILogger logger)
        => AgentObservable
            .FromTask(cancellation => client.PostConnectionsAsync(batch.Request, cancellation), scheduler)
            .RetryWithBackoff(RetryPolicy, scheduler, onRetry: logger.ReportsRetrying, shouldRetry: error => !IsFinal(error))
            .Do(_ => queue.Accepted(batch))
            .Catch((Exception error) =>
            {
                if (error is ControlPlaneException { StatusCode: HttpStatusCode.NotFound })
                    queue.Unsupported();
                else
                    queue.Refused(batch, error);
                return Observable.Empty<Unit>();
            });
}
