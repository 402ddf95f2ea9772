using System.Reactive.Concurrency;
using System.Reactive.Linq;
using Agent.Reactive.Effects;
using Agent.Reactive.Linq;
using Agent.Reactive.Monitoring;
using Agent.Reactive.Protocol;
using Microsoft.Extensions.Logging;

namespace Agent.Reactive.Apps;

/// <summary>
/// Coder's app health reporter (<c>agent/apphealth.go</c>): probes the manifest's apps and posts the
/// whole health map to <c>POST me/app-health</c> when it changed.
/// </summary>
public static class AppHealthReporting
{
    /// <summary>How often the map is compared with the last one reported.</summary>
    public static readonly TimeSpan ReportInterval = TimeSpan.FromSeconds(1);

    /// <summary>A post that takes longer than this is given up (and logged).</summary>
    public static readonly TimeSpan PostTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Nothing happens when there are no apps or all are disabled (or no app has a usable health check).
    /// The map starts as the manifest health of every app that is not disabled. An app is probed only when
    /// its health check has a URL, an interval and a threshold; the first probe comes one interval after
    /// start, then one per interval (a probe taking the whole interval is followed by the next at once).
    /// A probe is a GET with the interval as timeout; healthy means a status below 500. The app turns
    /// unhealthy on the (threshold + 1)-th consecutive failure (Coder's counting, see
    /// <see cref="AppHealthCounter"/>) and healthy on one success. Once a second the map is compared with the
    /// last one reported (the initial map counts as reported) and, if it differs, posted whole; a newer map
    /// replaces a post still in flight; post errors are logged. Emits <see cref="AppHealthChanged"/> after
    /// each successful post.
    /// </summary>
    /// <param name="apps">The manifest's apps.</param>
    /// <param name="probe">Issues the health-check GETs.</param>
    /// <param name="client">Receives the health map.</param>
    /// <param name="scheduler">Probe intervals, timeouts and the reporting tick.</param>
    /// <param name="logger">Probe failures (debug) and post failures.</param>
    public static IObservable<AppHealthChanged> Run(
        IReadOnlyList<WorkspaceApp> apps,
        IHttpProbe probe,
        IControlPlaneClient client,
        IScheduler scheduler,
        ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(apps);
        ArgumentNullException.ThrowIfNull(probe);
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(scheduler);
        ArgumentNullException.ThrowIfNull(logger);

        var tracked = apps.Where(app => app.Health != AppHealth.Disabled).DistinctBy(app => app.Id).ToArray();
        var probed = tracked.Where(HasHealthcheck).ToArray();
        if (probed.Length == 0)
            return Observable.Empty<AppHealthChanged>();

        IReadOnlyDictionary<Guid, AppHealth> initial = tracked.ToDictionary(app => app.Id, app => app.Health);
        return Observable.Defer(() =>
        {
            var maps = probed
                .Select(app => Watch(app, probe, scheduler, logger))
                .Merge()
                .Scan(initial, (map, change) => map[change.Id] == change.Health ? map : With(map, change.Id, change.Health));
            return Observable.Return(initial)
                .Concat(maps.Sample(ReportInterval, scheduler))
                .DistinctUntilChanged(AppHealthMapComparer.Instance)
                .Skip(1)
                .Select(map => Post(map, client, scheduler, logger))
                .Switch();
        });
    }

    private static bool HasHealthcheck(WorkspaceApp app)
        => app.Healthcheck.Url.Length > 0 && app.Healthcheck.Interval > 0 && app.Healthcheck.Threshold > 0;

    private static IObservable<(Guid Id, AppHealth Health)> Watch(
        WorkspaceApp app, IHttpProbe probe, IScheduler scheduler, ILogger logger)
    {
        var interval = TimeSpan.FromSeconds(app.Healthcheck.Interval);
        var threshold = app.Healthcheck.Threshold;
        return Observable.Interval(interval, scheduler)
            .Select(_ => Probe(app, interval, probe, scheduler, logger))
            .Concat()
            .Scan(new AppHealthCounter(0, app.Health), (counter, healthy) => counter.Next(healthy, threshold))
            .Select(counter => (app.Id, counter.Health));
    }

    private static IObservable<bool> Probe(
        WorkspaceApp app, TimeSpan timeout, IHttpProbe probe, IScheduler scheduler, ILogger logger)
        => Observable.Defer(() =>
            {
                if (!Uri.TryCreate(app.Healthcheck.Url, UriKind.Absolute, out var url))
                    return Observable.Throw<bool>(new UriFormatException("not an absolute URL: " + app.Healthcheck.Url));
                return AgentObservable
                    .FromTask(cancellation => probe.GetStatusAsync(url, timeout, cancellation), scheduler)
                    .Timeout(timeout, scheduler)
                    .Select(status => status < 500);
            })
            .Catch((Exception error) =>
            {
                logger.ProbeFailed(error, app.Slug);
                return Observable.Return(false);
            });

    private static IObservable<AppHealthChanged> Post(
        IReadOnlyDictionary<Guid, AppHealth> map, IControlPlaneClient client, IScheduler scheduler, ILogger logger)
        => AgentObservable
            .FromTask(cancellation => client.PostAppHealthAsync(new AppHealthRequest(map), cancellation), scheduler)
            .Timeout(PostTimeout, scheduler)
            .Select(_ => new AppHealthChanged(scheduler.Now, map))
            .Catch((Exception error) =>
            {
                logger.PostFailed(error);
                return Observable.Empty<AppHealthChanged>();
            });

    private static Dictionary<Guid, AppHealth> With(IReadOnlyDictionary<Guid, AppHealth> map, Guid id, AppHealth health)
        => new(map) { [id] = health };
}
