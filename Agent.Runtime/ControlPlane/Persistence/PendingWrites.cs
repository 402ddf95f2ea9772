using Agent.Reactive.Protocol;

namespace Agent.Runtime.ControlPlane.Persistence;

/// <summary>
/// One agent's coalesced writes waiting for the next flush: the newest metadata result per key, health per app, stats
/// window and last-seen time. Bounded by the manifest (its keys and apps). Thread-safe.
/// </summary>
internal sealed class PendingWrites
{
    private readonly Lock _gate = new();
    private Dictionary<string, MetadataResult> _metadata = new(StringComparer.Ordinal);
    private Dictionary<Guid, AppHealth> _appHealth = [];
    private Stats? _stats;
    private DateTimeOffset? _seen;

    /// <summary>Whether something waits.</summary>
    public bool HasAny
    {
        get
        {
            lock (_gate)
                return _metadata.Count > 0 || _appHealth.Count > 0 || _stats is not null || _seen is not null;
        }
    }

    public void Metadata(string key, MetadataResult result)
    {
        lock (_gate)
            _metadata[key] = result;
    }

    public void AppHealth(Guid app, AppHealth health)
    {
        lock (_gate)
            _appHealth[app] = health;
    }

    public void Stats(Stats stats)
    {
        lock (_gate)
            _stats = stats;
    }

    public void Seen(DateTimeOffset at)
    {
        lock (_gate)
            _seen = at;
    }

    /// <summary>Everything waiting, which then waits no more.</summary>
    public PendingBatch Take()
    {
        lock (_gate)
        {
            var batch = new PendingBatch(_metadata, _appHealth, _stats, _seen);
            _metadata = new(StringComparer.Ordinal);
            _appHealth = [];
            _stats = null;
            _seen = null;
            return batch;
        }
    }

    /// <summary>Puts back a batch that could not be written, under what arrived since (which is newer).</summary>
    public void Return(PendingBatch batch)
    {
        lock (_gate)
        {
            foreach (var (key, result) in batch.Metadata)
                _metadata.TryAdd(key, result);
            foreach (var (app, health) in batch.AppHealth)
                _appHealth.TryAdd(app, health);
            _stats ??= batch.Stats;
            _seen ??= batch.Seen;
        }
    }
}
