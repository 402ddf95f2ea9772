using Agent.Reactive.Protocol;

namespace Agent.Reactive.Metadata;

/// <summary>
/// When each key was last collected (the start time of the collection that was consumed for posting).
/// Shared by every manifest of one run, so a reconnect does not re-run once-only items; keys that leave
/// the manifest are forgotten.
/// </summary>
internal sealed class MetadataSchedule
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, DateTimeOffset> _lastCollectedAt = new(StringComparer.Ordinal);

    /// <summary>Forgets every key that is not in <paramref name="keys"/>.</summary>
    public void Retain(IEnumerable<string> keys)
    {
        var kept = new HashSet<string>(keys, StringComparer.Ordinal);
        lock (_gate)
        {
            foreach (var key in _lastCollectedAt.Keys.Where(key => !kept.Contains(key)).ToList())
                _lastCollectedAt.Remove(key);
        }
    }

    public void MarkCollected(string key, DateTimeOffset collectedAt)
    {
        lock (_gate)
            _lastCollectedAt[key] = collectedAt;
    }

    /// <summary>
    /// True when <paramref name="item"/> was never collected, or has an interval that has passed since
    /// it was. An item with interval 0 is collected once.
    /// </summary>
    public bool IsDue(MetadataDescription item, DateTimeOffset now, TimeSpan unit)
    {
        DateTimeOffset last;
        lock (_gate)
        {
            if (!_lastCollectedAt.TryGetValue(item.Key, out last))
                return true;
        }

        if (item.Interval <= 0)
            return false;
        return now - last >= MetadataTiming.Scale(item.Interval, unit);
    }
}
