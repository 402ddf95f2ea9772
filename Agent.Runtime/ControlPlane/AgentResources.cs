using Agent.Reactive.Protocol;

namespace Agent.Runtime.ControlPlane;

/// <summary>
/// One agent's watched resources as its last report said (at most <see cref="MaxResources"/>) and the last
/// <see cref="MaxChanges"/> state changes, derived by comparing each report with the one before: a hostile workspace
/// cannot grow either. Not thread-safe: the agent's lock guards it.
/// </summary>
internal sealed class AgentResources
{
    public const int MaxResources = 64;
    public const int MaxChanges = 100;

    private readonly Queue<ResourceChange> _changes = new();
    private Dictionary<string, ResourceStatus> _current = new(StringComparer.Ordinal);

    /// <summary>Memory first, then the volumes by path.</summary>
    public IReadOnlyList<ResourceStatus> Current
        => [.. _current.Values.OrderBy(status => status.Kind == ResourceStatus.MemoryKind ? 0 : 1).ThenBy(status => status.Resource, StringComparer.Ordinal)];

    /// <summary>The state changes kept, oldest first.</summary>
    public IReadOnlyList<ResourceChange> Changes => [.. _changes];

    /// <summary>Any resource in <c>warning</c>.</summary>
    public bool Warning => _current.Values.Any(status => status.State == ResourceState.Warning);

    /// <summary>Replaces the current state with <paramref name="statuses"/>; true when it is the first report or a state changed.</summary>
    public bool Take(IReadOnlyList<ResourceStatus> statuses, DateTimeOffset now)
    {
        var first = _current.Count == 0;
        var changed = false;
        var next = new Dictionary<string, ResourceStatus>(StringComparer.Ordinal);
        foreach (var status in statuses)
        {
            next[status.Resource] = status;
            var before = _current.GetValueOrDefault(status.Resource)?.State ?? ResourceState.Ok;
            if (before == status.State)
                continue;
            changed = true;
            _changes.Enqueue(new ResourceChange(status.ChangedAt ?? now, status.Resource, status.State, status.Percent, status.Threshold));
            while (_changes.Count > MaxChanges)
                _changes.Dequeue();
        }

        _current = next;
        return first || changed;
    }
}
