using System.Reactive;
using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using Agent.Reactive.Effects;
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
    /// Sends <paramref name="lines"/> as <c>PATCH startup-logs</c> batches and tells <paramref name="events"/> of
    /// each line. A batch closes after <see cref="QuietPeriod"/> without a line or at <see cref="MaxBatchLines"/>
    /// lines; one batch is in flight at a time, in order; a failed PATCH is retried with
    /// <see cref="RetryPolicy"/>, except a 413 (the control plane's log limit), which drops the batch. Dropped
    /// lines are reported by one notice line in front of the next batch sent. Emits once per accepted PATCH and
    /// completes after <paramref name="lines"/> completed and every batch was sent or dropped. Unsubscribing
    /// cancels the PATCH in flight.
    /// </summary>
    /// <param name="lines">The script's output lines; completes when the script's output ends.</param>
    /// <param name="source">The log source, <see cref="LogSources.Startup"/> or <see cref="LogSources.Shutdown"/>.</param>
    /// <param name="client">The control plane.</param>
    /// <param name="events">Told of every line as a <see cref="LogLine"/>.</param>
    /// <param name="scheduler">Clock of the log timestamps, the quiet timer and the retry delays.</param>
    /// <param name="logger">Where refused and retried batches are logged.</param>
    public static IObservable<Unit> Stream(
        IObservable<string> lines,
        string source,
        IControlPlaneClient client,
        IObserver<AgentEvent> events,
        IScheduler scheduler,
        ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(lines);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(scheduler);
        ArgumentNullException.ThrowIfNull(logger);

        return Observable.Create<Unit>(observer =>
        {
            var shipper = new ScriptLogShipper(observer, source, client, scheduler, logger);
            var subscription = lines
                .Select(line =>
                {
                    var at = scheduler.Now;
                    events.OnNext(new LogLine(at, source, line));
                    return new StartupLog(at, line);
                })
                .BufferUntilQuietOrCount(QuietPeriod, MaxBatchLines, scheduler)
                .Subscribe(shipper.OnBatch, shipper.OnSourceError, shipper.OnSourceCompleted);
            return new CompositeDisposable(subscription, shipper);
        });
    }
}
