using System.Net;
using System.Reactive;
using System.Reactive.Concurrency;
using System.Reactive.Linq;
using Agent.Reactive.Effects;
using Agent.Reactive.Linq;
using Agent.Reactive.Monitoring;
using Agent.Reactive.Protocol;
using Microsoft.Extensions.Logging;

namespace Agent.Reactive.Scripts;

/// <summary>Streams the output of a lifecycle script to the control plane (Coder's <c>trackScriptLogs</c>).</summary>
public static class ScriptLogs
{
    /// <summary>A batch is sent as soon as it holds this many lines.</summary>
    public const int MaxBatchLines = 100;

    /// <summary>At most this many lines wait while a batch is in flight; past that the oldest are dropped.</summary>
    public const int MaxPendingLines = 10_000;

    /// <summary>A batch is sent after this long without a new line (or at <see cref="MaxBatchLines"/>).</summary>
    public static readonly TimeSpan QuietPeriod = TimeSpan.FromMilliseconds(100);

    /// <summary>Retry delays of a PATCH that failed for any reason but the log limit (413).</summary>
    public static BackoffPolicy RetryPolicy { get; } = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5));

    /// <summary>
    /// Sends <paramref name="lines"/> as <c>PATCH startup-logs</c> batches, telling each line as a
    /// <see cref="LogLine"/> event when it arrives. A batch closes after <see cref="QuietPeriod"/> without a line or at <see cref="MaxBatchLines"/>
    /// lines; one batch is in flight at a time (<see cref="AgentObservable.OneInFlight{TSource, TRequest, TResult}"/>), in order; a failed PATCH is retried with
    /// <see cref="RetryPolicy"/>, except a 413 (the control plane's log limit), which drops the batch. Dropped
    /// lines are reported by one notice line in front of the next batch sent. Produces once per accepted PATCH and
    /// completes after <paramref name="lines"/> completed and every batch was sent or dropped. Unsubscribing
    /// cancels the PATCH in flight.
    /// </summary>
    /// <param name="lines">The script's output lines; completes when the script's output ends.</param>
    /// <param name="source">The log source, <see cref="LogSources.Startup"/> or <see cref="LogSources.Shutdown"/>.</param>
    /// <param name="client">The control plane.</param>
    /// <param name="scheduler">Clock of the log timestamps, the quiet timer and the retry delays.</param>
    /// <param name="logger">Where refused and retried batches are logged.</param>
    public static IObservable<PipelineOutput<Unit>> Stream(
        IObservable<string> lines,
        string source,
        IControlPlaneClient client,
        IScheduler scheduler,
        ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(logger);
        return Stream(lines, ScriptLogTarget.Old(source), new ScriptLogSender(client, logger), scheduler, logger);
    }

    /// <summary>
    /// As <see cref="Stream(IObservable{string}, string, IControlPlaneClient, IScheduler, ILogger)"/>, to the log
    /// source <paramref name="target"/> through <paramref name="sender"/> (<c>PATCH me/logs</c>, or
    /// <c>me/startup-logs</c> for the old scripts and old control planes); each line is told with the source's name and id.
    /// </summary>
    /// <param name="lines">The script's output lines; completes when the script's output ends.</param>
    /// <param name="target">The log source.</param>
    /// <param name="sender">Sends a batch (one per agent: it remembers a control plane without <c>me/logs</c>).</param>
    /// <param name="scheduler">Clock of the log timestamps, the quiet timer and the retry delays.</param>
    /// <param name="logger">Where refused and retried batches are logged.</param>
    public static IObservable<PipelineOutput<Unit>> Stream(
        IObservable<string> lines,
        ScriptLogTarget target,
        ScriptLogSender sender,
        IScheduler scheduler,
        ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(lines);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(sender);
        ArgumentNullException.ThrowIfNull(scheduler);
        ArgumentNullException.ThrowIfNull(logger);

        return Observable.Defer(() =>
        {
            var queue = new ScriptLogQueue(target.Name, target.LegacySource, scheduler, logger);

            // One subscription to the lines feeds both the events and the batches; each line is told before it is batched.
            return lines
                .Select(line => new LogLine(scheduler.Now, target.Name, line, SourceId: target.ToldId))
                .Publish(told => told
                    .Select(PipelineOutputs.Event<Unit>)
                    .Merge(told
                        .Select(line => new StartupLog(line.At, line.Output))
                        .BufferUntilQuietOrCount(QuietPeriod, MaxBatchLines, scheduler)
                        .OneInFlight(queue, (batch, _) => Send(batch, queue, target, sender, scheduler, logger))
                        .Select(PipelineOutputs.Product)));
        });
    }

    private static bool IsLogLimit(Exception error)
        => error is ControlPlaneException { StatusCode: HttpStatusCode.RequestEntityTooLarge };

    // Every error but the log limit is retried, so the only error that ends a send is a 413, which drops the batch.
    private static IObservable<Unit> Send(
        ScriptLogBatch batch, ScriptLogQueue queue, ScriptLogTarget target, ScriptLogSender sender, IScheduler scheduler, ILogger logger)
        => AgentObservable
            .FromTask(cancellation => sender.SendAsync(target, batch.Request.Logs, cancellation), scheduler)
            .RetryWithBackoff(
                RetryPolicy,
                scheduler,
                onRetry: (error, delay) => logger.LogsRetrying(error, target.Name, delay),
                shouldRetry: error => !IsLogLimit(error))
            .Do(_ => queue.Accepted(batch))
            .Catch((Exception _) =>
            {
                queue.Refused(batch);
                return Observable.Empty<Unit>();
            });
}
