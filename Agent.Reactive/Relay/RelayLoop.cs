using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using Agent.Reactive.Effects;
using Agent.Reactive.Linq;
using Agent.Reactive.Monitoring;
using Agent.Reactive.Statistics;
using Microsoft.Extensions.Logging;

namespace Agent.Reactive.Relay;

/// <summary>
/// The agent's relay as a stream of its state: connect, then hold the link while pinging it for the stats'
/// latency; when the link ends (however it ends) reconnect with <see cref="RelayOptions.Backoff"/>.
/// </summary>
public static class RelayLoop
{
    /// <summary>
    /// A cold stream of relay changes that never ends on its own: <c>connected</c> per link, <c>disconnected</c>
    /// with the reason before each retry. Disposing the subscription closes the link (or cancels the attempt).
    /// </summary>
    public static IObservable<RelayChanged> Run(
        IRelayConnector connector,
        RelayOptions options,
        AgentCounters counters,
        IScheduler scheduler,
        ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(connector);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(counters);
        ArgumentNullException.ThrowIfNull(scheduler);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.PingInterval, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.PingTimeout, TimeSpan.Zero);

        return Observable.Create<RelayChanged>(observer => AgentObservable
            .FromTask(connector.ConnectAsync, scheduler)
            .SelectMany(link => Hold(link, options, counters, scheduler, logger))
            .RetryWithBackoff(
                options.Backoff,
                scheduler,
                onRetry: (error, delay) =>
                {
                    observer.OnNext(new RelayChanged(scheduler.Now, ConnectionState.Disconnected, error.Message));
                    logger.Lost(
                        error is IOException or HttpRequestException or TimeoutException or System.Net.WebSockets.WebSocketException ? null : error,
                        error.Message,
                        delay);
                })
            .Subscribe(observer));
    }

    // Connected, then nothing until the link ends; meanwhile pings feed the latency median.
    private static IObservable<RelayChanged> Hold(IRelayLink link, RelayOptions options, AgentCounters counters, IScheduler scheduler, ILogger logger)
        => Observable.Using(
            () => Disposable.Create(() => Close(link, logger)),
            _ =>
            {
                logger.Connected();
                var pings = Observable
                    .Interval(options.PingInterval, scheduler)
                    .Select(_ => AgentObservable
                        .FromTask(link.PingAsync, scheduler)
                        .Timeout(options.PingTimeout, scheduler)
                        .Do(counters.AddLatency)
                        .Catch<TimeSpan, Exception>(e =>
                        {
                            logger.PingFailed(e.Message);
                            return Observable.Empty<TimeSpan>();
                        }))
                    .Concat()
                    .IgnoreElements()
                    .Select(_ => default(RelayChanged)!);
                var end = AgentObservable
                    .FromTask(_ => link.Completion, scheduler)
                    .SelectMany(_ => Observable.Throw<RelayChanged>(new IOException("the control plane closed the relay")));
                return Observable.Return(new RelayChanged(scheduler.Now, ConnectionState.Connected)).Concat(pings.Merge(end));
            });

    private static void Close(IRelayLink link, ILogger logger)
        => link.DisposeAsync().AsTask().ContinueWith(
            task => logger.CloseFailed(task.Exception),
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
}
