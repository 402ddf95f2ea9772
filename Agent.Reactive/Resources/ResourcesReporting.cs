using System.Net;
using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using Agent.Reactive.Effects;
using Agent.Reactive.Linq;
using Agent.Reactive.Monitoring;
using Agent.Reactive.Protocol;
using Microsoft.Extensions.Logging;

namespace Agent.Reactive.Resources;

/// <summary>
/// The resource monitor per connection: each manifest's <c>resources_monitoring</c> (<see cref="ResourceMonitor"/>) is
/// reported to <c>POST me/resources-monitoring</c> with the first sample, with every state change and otherwise every
/// <see cref="ResourcesMonitoring.NumDatapoints"/> samples; one post in flight, the newest report waits (each is whole).
/// A control plane that answers 404 (older than this agent) is not asked again on this connection; monitoring and
/// <see cref="ResourcesChanged"/> events go on. A failed post is logged; the next report carries the current state.
/// </summary>
public static class ResourcesReporting
{
    public static IObservable<ResourcesChanged> Run(
        IObservable<Manifest> manifests, IResourceSampler sampler, IControlPlaneClient client, IScheduler scheduler, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(manifests);
        ArgumentNullException.ThrowIfNull(client);
        return manifests
            .Select(manifest => manifest.ResourcesMonitoring is { } config
                ? Connection(config, sampler, client, scheduler, logger)
                : Observable.Empty<ResourcesChanged>())
            .Switch();
    }

    private static IObservable<ResourcesChanged> Connection(
        ResourcesMonitoring config, IResourceSampler sampler, IControlPlaneClient client, IScheduler scheduler, ILogger logger)
        => Observable.Create<ResourcesChanged>(observer =>
        {
            var targets = ResourceMonitor.Targets(config);
            if (targets.Count == 0)
                return Disposable.Empty;
            logger.ResourcesWatching(targets.Count, TimeSpan.FromSeconds(config.CollectionIntervalSeconds));
            var batch = config.NumDatapoints;
            var samples = ResourceMonitor.Run(config, sampler, scheduler, logger).Publish();
            var events = samples
                .Where((sample, index) => index == 0 || sample.Changed)
                .Select(sample => new ResourcesChanged(sample.At, sample.Resources))
                .Subscribe(observer);
            var reports = samples
                .Where((sample, index) => sample.Changed || index % batch == 0)
                .Select(sample => new ResourcesReport { CollectedAt = sample.At, Resources = sample.Resources })
                .OneInFlight(new LatestWaits<ResourcesReport>(), (report, _) => Post(report, client, scheduler, logger))
                .TakeWhile(accepted => accepted)
                .Subscribe(_ => { }, observer.OnError);
            return new CompositeDisposable(events, reports, samples.Connect());
        });

    // True when the control plane took the report or failed in a way worth trying again; false on 404.
    private static IObservable<bool> Post(ResourcesReport report, IControlPlaneClient client, IScheduler scheduler, ILogger logger)
        => AgentObservable.FromTask(token => client.PostResourcesMonitoringAsync(report, token), scheduler)
            .Select(_ => true)
            .Catch<bool, Exception>(error =>
            {
                if (error is ControlPlaneException { StatusCode: HttpStatusCode.NotFound })
                {
                    logger.ResourcesUnsupported();
                    return Observable.Return(false);
                }

                if (error is OperationCanceledException)
                    return Observable.Empty<bool>();
                logger.ResourcesReportFailed(error.Message);
                return Observable.Return(true);
            });
}
