using System.Reactive.Concurrency;
using System.Reactive.Linq;
using Agent.Reactive.Effects;
using Agent.Reactive.Protocol;
using Microsoft.Extensions.Logging;

namespace Agent.Reactive.Resources;

/// <summary>
/// Samples memory and the manifest's volumes through <see cref="IResourceSampler"/> at once and then every
/// <see cref="ResourcesMonitoring.CollectionIntervalSeconds"/>, and runs each through <see cref="ResourceHysteresis"/>.
/// A resource that cannot be read keeps its last status for that sample (its first failure is logged).
/// </summary>
public static class ResourceMonitor
{
    /// <summary>The enabled resources of <paramref name="config"/>: (resource, kind, threshold).</summary>
    public static IReadOnlyList<(string Resource, string Kind, int Threshold)> Targets(ResourcesMonitoring config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var targets = new List<(string, string, int)>();
        if (config.Memory is { Enabled: true } memory)
            targets.Add(("memory", ResourceStatus.MemoryKind, memory.Threshold));
        foreach (var volume in config.Volumes.Where(v => v.Enabled && v.Path.Length > 0).DistinctBy(v => v.Path, StringComparer.Ordinal))
            targets.Add((volume.Path, ResourceStatus.VolumeKind, volume.Threshold));
        return targets;
    }

    public static IObservable<ResourcesSample> Run(ResourcesMonitoring config, IResourceSampler sampler, IScheduler scheduler, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(sampler);
        ArgumentNullException.ThrowIfNull(scheduler);
        ArgumentNullException.ThrowIfNull(logger);
        var targets = Targets(config);
        if (targets.Count == 0)
            return Observable.Empty<ResourcesSample>();
        var interval = TimeSpan.FromSeconds(config.CollectionIntervalSeconds);
        return Observable.Defer(() =>
        {
            var tracks = targets.Select(_ => ResourceTrack.Initial).ToArray();
            var last = new ResourceStatus?[targets.Count];
            var failed = new bool[targets.Count];
            return Observable.Timer(TimeSpan.Zero, interval, scheduler).Select(_ =>
            {
                var at = scheduler.Now;
                var changed = false;
                var statuses = new List<ResourceStatus>(targets.Count);
                for (var i = 0; i < targets.Count; i++)
                {
                    var (resource, kind, threshold) = targets[i];
                    ResourceUsage usage;
                    try
                    {
                        usage = kind == ResourceStatus.MemoryKind ? sampler.Memory() : sampler.Volume(resource);
                        failed[i] = false;
                    }
                    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                    {
                        if (!failed[i])
                            logger.ResourceUnreadable(resource, e.Message);
                        failed[i] = true;
                        if (last[i] is { } previous)
                            statuses.Add(previous);
                        continue;
                    }

                    var status = new ResourceStatus { Resource = resource, Kind = kind, Used = usage.Used, Total = usage.Total, Threshold = threshold };
                    var track = ResourceHysteresis.Next(tracks[i], status.Percent, threshold, at);
                    if (track.State != tracks[i].State)
                    {
                        changed = true;
                        logger.ResourceStateChanged(resource, track.State, status.Percent, threshold);
                    }

                    tracks[i] = track;
                    last[i] = status with { State = track.State, ChangedAt = track.ChangedAt };
                    statuses.Add(last[i]!);
                }

                return new ResourcesSample(at, statuses, changed);
            });
        });
    }
}
