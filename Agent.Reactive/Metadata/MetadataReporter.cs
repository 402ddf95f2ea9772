using System.Reactive.Concurrency;
using System.Reactive.Linq;
using Agent.Reactive.Effects;
using Agent.Reactive.Linq;
using Agent.Reactive.Monitoring;
using Agent.Reactive.Protocol;
using Microsoft.Extensions.Logging;

namespace Agent.Reactive.Metadata;

/// <summary>One run of <see cref="MetadataReporting.Run"/>: the per-manifest pipelines and what they share.</summary>
internal sealed class MetadataReporter(
    Func<Manifest, string, CommandSpec> commandFor,
    IProcessLauncher launcher,
    IControlPlaneClient client,
    IScheduler scheduler,
    ILogger logger,
    TimeSpan unit)
{
    /// <summary>A post that takes longer than this is given up (the next round brings a fresh value).</summary>
    public static readonly TimeSpan PostTimeout = TimeSpan.FromSeconds(30);

    private readonly MetadataSchedule _schedule = new();

    /// <summary>
    /// Rounds every unit (the first at once): when no result waits to be posted, every due item is
    /// collected, at most one run per key at a time; results are posted one after the other.
    /// </summary>
    public IObservable<MetadataCollected> ForManifest(Manifest manifest) => Observable.Defer(() =>
    {
        var items = manifest.Metadata;
        _schedule.Retain(items.Select(item => item.Key));
        if (items.Count > MetadataReporting.MaxItems)
        {
            logger.TooManyItems(items.Count, MetadataReporting.MaxItems);
            return Observable.Empty<MetadataCollected>();
        }

        if (items.Count == 0)
            return Observable.Empty<MetadataCollected>();

        var distinct = items.DistinctBy(item => item.Key, StringComparer.Ordinal).ToArray();
        var waiting = 0;
        return Observable.Timer(TimeSpan.Zero, unit, scheduler)
            .SelectMany(_ => DueItems(distinct, Volatile.Read(ref waiting)))
            .GroupBy(item => item.Key, StringComparer.Ordinal)
            .SelectMany(runs => runs.ExhaustMap(item => Collect(manifest, item)))
            .Do(_ => Interlocked.Increment(ref waiting))
            .Select(collected => Post(collected).Finally(() => Interlocked.Decrement(ref waiting)))
            .Concat();
    });

    private MetadataDescription[] DueItems(MetadataDescription[] items, int waiting)
    {
        if (waiting > 0)
        {
            logger.Backpressured(waiting);
            return [];
        }

        var now = scheduler.Now;
        return items.Where(item => _schedule.IsDue(item, now, unit)).ToArray();
    }

    private IObservable<CollectedMetadata> Collect(Manifest manifest, MetadataDescription item) => Observable.Defer(() =>
    {
        var startedAt = scheduler.Now;
        return AgentObservable
            .FromTask(
                cancellation => launcher.CaptureAsync(
                    commandFor(manifest, item.Script), MetadataResults.MaxOutputBytes, cancellation),
                scheduler)
            .Timeout(MetadataTiming.TimeoutOf(item, unit), scheduler)
            .Select(result => MetadataResults.FromCommand(startedAt, result))
            .Catch((Exception error) => Observable.Return(MetadataResults.FromFailure(startedAt, error)))
            .Select(result => new CollectedMetadata(item, result));
    });

    private IObservable<MetadataCollected> Post(CollectedMetadata collected) => Observable.Defer(() =>
    {
        var key = collected.Item.Key;
        _schedule.MarkCollected(key, collected.Result.CollectedAt);
        var age = (long)Math.Max(0, (scheduler.Now - collected.Result.CollectedAt).TotalSeconds);
        var result = collected.Result with { Age = age };
        return AgentObservable
            .FromTask(cancellation => client.PostMetadataAsync(key, result, cancellation), scheduler)
            .Timeout(PostTimeout, scheduler)
            .Select(_ => new MetadataCollected(scheduler.Now, key, collected.Item.DisplayName, result))
            .Catch((Exception error) =>
            {
                logger.PostFailed(error, key);
                return Observable.Empty<MetadataCollected>();
            });
    });
}
