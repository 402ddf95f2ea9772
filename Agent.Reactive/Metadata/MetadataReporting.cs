using System.Reactive.Concurrency;
using System.Reactive.Linq;
using Agent.Reactive.Effects;
using Agent.Reactive.Monitoring;
using Agent.Reactive.Protocol;
using Microsoft.Extensions.Logging;

namespace Agent.Reactive.Metadata;

/// <summary>
/// Coder's <c>reportMetadataLoop</c> as a pipeline: runs the manifest's metadata scripts on their
/// intervals and posts each result to <c>POST me/metadata/{key}</c>.
/// </summary>
public static class MetadataReporting
{
    /// <summary>A manifest with more items than this collects none of them.</summary>
    public const int MaxItems = 128;

    /// <summary>Captured output beyond this many bytes is cut off and reported as an error.</summary>
    public const int MaxOutputBytes = MetadataResults.MaxOutputBytes;

    /// <summary>The base tick, which is also the unit of the items' intervals and timeouts.</summary>
    public static readonly TimeSpan DefaultBaseInterval = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Follows the latest manifest (a new manifest cancels the old one's runs and queued posts, while the
    /// time each key was last collected carries over; keys that left are forgotten). Every base tick, the
    /// first at once, each due item is collected unless results still wait to be posted (backpressure).
    /// A key never has two runs at once: a tick that finds its run still going is dropped, the run is
    /// not cancelled. Item interval 0 collects once; the timeout is the item's, else its interval, else
    /// 5 units; a timed-out run is cancelled. Results are posted one at a time; a failed post is logged
    /// and dropped. Emits <see cref="MetadataCollected"/> after each successful post.
    /// </summary>
    /// <param name="manifests">The manifests, latest wins.</param>
    /// <param name="commandFor">Builds the command for an item's script (environment, directory).</param>
    /// <param name="launcher">Runs the scripts.</param>
    /// <param name="client">Receives the results.</param>
    /// <param name="scheduler">Ticks, timeouts and timestamps.</param>
    /// <param name="logger">Limit errors, post failures, backpressure.</param>
    /// <param name="baseInterval">The base tick and unit of item intervals; 1 s unless a spec shortens it.</param>
    public static IObservable<MetadataCollected> Run(
        IObservable<Manifest> manifests,
        Func<Manifest, string, CommandSpec> commandFor,
        IProcessLauncher launcher,
        IControlPlaneClient client,
        IScheduler scheduler,
        ILogger logger,
        TimeSpan? baseInterval = null)
    {
        ArgumentNullException.ThrowIfNull(manifests);
        ArgumentNullException.ThrowIfNull(commandFor);
        ArgumentNullException.ThrowIfNull(launcher);
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(scheduler);
        ArgumentNullException.ThrowIfNull(logger);
        var unit = baseInterval ?? DefaultBaseInterval;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(unit, TimeSpan.Zero, nameof(baseInterval));

        return Observable.Defer(() =>
        {
            var reporter = new MetadataReporter(commandFor, launcher, client, scheduler, logger, unit);
            return manifests.Select(reporter.ForManifest).Switch();
        });
    }
}
