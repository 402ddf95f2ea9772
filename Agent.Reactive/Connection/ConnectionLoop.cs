using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Text.Json;
using Agent.Reactive.Effects;
using Agent.Reactive.Linq;
using Agent.Reactive.Monitoring;
using Agent.Reactive.Protocol;
using Microsoft.Extensions.Logging;

namespace Agent.Reactive.Connection;

/// <summary>
/// Coder's <c>runLoop</c> as a stream of connections: connect (token, manifest, startup report), then hold
/// the connection by fetching the manifest every <see cref="ConnectionLoopOptions.ManifestPollInterval"/>;
/// any failure disconnects and the loop reconnects with <see cref="ConnectionLoopOptions.Backoff"/>. Given several control
/// planes, each attempt after a failure (or a broken connection) goes to the next one, cycling, one backoff step per
/// failed attempt as with one; a connection that holds stays where it is.
/// </summary>
public static class ConnectionLoop
{
    /// <summary>
    /// A cold stream of connections: one per successful connection, and one more each time the manifest of a
    /// held connection changes; in between, as events, each connection change and the startup report. It never
    /// ends on its own; disposing the subscription stops polling and cancels the call in flight. With
    /// <paramref name="endpoints"/> of more than one control plane, the connecting and connected events name the one
    /// the attempt goes to.
    /// </summary>
    public static IObservable<PipelineOutput<ControlPlaneConnection>> Connections(
        IControlPlaneClient client,
        AgentEnvironment environment,
        ConnectionLoopOptions options,
        IScheduler scheduler,
        ILogger logger,
        IControlPlaneEndpoints? endpoints = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(scheduler);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.ManifestPollInterval, TimeSpan.Zero);

        return Observable.Defer(() =>
        {
            var rotation = new EndpointRotation(endpoints, logger);
            return Observable
                .Defer(() => Attempt(client, environment, options.ManifestPollInterval, rotation.Next(), scheduler, logger))
                .RetryWithBackoff(
                    options.Backoff,
                    scheduler,
                    onRetry: (error, delay) =>
                    {
                        // A refusal or an unreachable control plane is expected weather: its message says it all.
                        // Anything else is a bug worth its stack trace.
                        logger.Lost(error is ControlPlaneException or HttpRequestException or TimeoutException ? null : error, error.Message, delay);
                    });
        });
    }

    // One attempt: connecting, connect, then the connection held. A failure is told as the loss of the connection
    // before it reaches the retry, which logs it and waits. The connecting and connected events carry the control
    // plane's name when there is a choice of them.
    private static IObservable<PipelineOutput<ControlPlaneConnection>> Attempt(
        IControlPlaneClient client,
        AgentEnvironment environment,
        TimeSpan pollInterval,
        string? controlPlane,
        IScheduler scheduler,
        ILogger logger)
        => AgentObservable
            .FromTask(cancellationToken => ConnectAsync(client, environment, scheduler, logger, cancellationToken), scheduler)
            .SelectMany(connected => Hold(connected.Connection, client, environment, pollInterval, scheduler, logger)
                .Select(PipelineOutputs.Product)
                .StartWith(
                    Told(new StartupReported(
                        connected.Connection.ConnectedAt, connected.Startup.Version, connected.Startup.ExpandedDirectory, connected.Startup.Subsystem)),
                    Told(new ConnectionChanged(connected.Connection.ConnectedAt, ConnectionState.Connected, controlPlane))))
            .StartWith(Told(new ConnectionChanged(scheduler.Now, ConnectionState.Connecting, controlPlane)))
            .Catch((Exception error) => Observable
                .Return(Told(new ConnectionChanged(scheduler.Now, ConnectionState.Disconnected, error.Message)))
                .Concat(Observable.Throw<PipelineOutput<ControlPlaneConnection>>(error)));

    private static PipelineOutput<ControlPlaneConnection> Told(AgentEvent agentEvent)
        => PipelineOutputs.Event<ControlPlaneConnection>(agentEvent);

    private static async Task<(ControlPlaneConnection Connection, StartupRequest Startup)> ConnectAsync(
        IControlPlaneClient client,
        AgentEnvironment environment,
        IScheduler scheduler,
        ILogger logger,
        CancellationToken cancellationToken)
    {
        var token = await client.ExchangeTokenAsync(cancellationToken);
        var manifest = Expand(await client.GetManifestAsync(cancellationToken), environment);
        var startup = new StartupRequest(environment.Version, manifest.Directory, environment.Subsystem, environment.SshHostKeys);
        await client.PostStartupAsync(startup, cancellationToken);

        logger.Connected(startup.Version, startup.ExpandedDirectory);
        return (new ControlPlaneConnection(token, manifest, scheduler.Now), startup);
    }

    // The connection itself, then one more per manifest that differs from the last one seen. A failed fetch
    // ends the connection with that error. The next fetch is armed only once the previous one answered.
    private static IObservable<ControlPlaneConnection> Hold(
        ControlPlaneConnection connection,
        IControlPlaneClient client,
        AgentEnvironment environment,
        TimeSpan pollInterval,
        IScheduler scheduler,
        ILogger logger)
    {
        var polls = Observable
            .Timer(pollInterval, scheduler)
            .SelectMany(_ => AgentObservable.FromTask(client.GetManifestAsync, scheduler))
            .Repeat()
            .Select(manifest => Expand(manifest, environment));

        // Records hold their lists by reference, so "unchanged" is decided on the wire form.
        return Observable.Return(connection.Manifest)
            .Concat(polls)
            .Select(manifest => (Manifest: manifest, Json: JsonSerializer.Serialize(manifest, AgentJsonContext.Default.Manifest)))
            .DistinctUntilChanged(seen => seen.Json, StringComparer.Ordinal)
            .Select((seen, index) =>
            {
                if (index == 0)
                    return connection;
                logger.ManifestChanged(seen.Manifest.Directory);
                return connection with { Manifest = seen.Manifest };
            });
    }

    private static Manifest Expand(Manifest manifest, AgentEnvironment environment)
        => manifest with { Directory = DirectoryExpansion.Expand(manifest.Directory, environment.HomeDirectory, environment.GetVariable) };
}
