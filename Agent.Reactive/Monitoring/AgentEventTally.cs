using Agent.Reactive.Protocol;

namespace Agent.Reactive.Monitoring;

/// <summary>
/// Counts what the agent's events tell about its work since the tally started: the current lifecycle state, every
/// lifecycle transition by state, metadata runs and errors per key, script log lines per source and terminal
/// events. Feed it with <see cref="Observe"/> (e.g. subscribed to the snapshot-first event feed early, so the
/// snapshot holds nothing yet); read with <see cref="Snapshot"/>. Thread-safe.
/// </summary>
public sealed class AgentEventTally
{
    /// <summary>Distinct metadata keys (and log sources) counted; further ones are counted under <see cref="OtherKey"/>.</summary>
    public const int MaxKeys = 256;

    /// <summary>Where keys beyond <see cref="MaxKeys"/> are counted.</summary>
    public const string OtherKey = "_other";

    private readonly Lock _gate = new();
    private readonly Dictionary<LifecycleState, long> _transitions = [];
    private readonly Dictionary<string, long> _metadataRuns = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _metadataErrors = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _logLines = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _terminalDetaches = new(StringComparer.Ordinal);
    private LifecycleState? _lifecycle;
    private long _terminalsOpened;
    private long _terminalsClosed;

    /// <summary>Counts one event.</summary>
    public void Observe(AgentEvent agentEvent)
    {
        ArgumentNullException.ThrowIfNull(agentEvent);
        lock (_gate)
        {
            switch (agentEvent)
            {
                case LifecycleChanged lifecycle:
                    _lifecycle = lifecycle.State;
                    _transitions[lifecycle.State] = _transitions.GetValueOrDefault(lifecycle.State) + 1;
                    break;
                case MetadataCollected metadata:
                    var key = Increment(_metadataRuns, metadata.Key);
                    if (!string.IsNullOrEmpty(metadata.Result.Error))
                        _metadataErrors[key] = _metadataErrors.GetValueOrDefault(key) + 1;
                    break;
                case LogLine line:
                    Increment(_logLines, line.Source);
                    break;
                case TerminalOpened:
                    _terminalsOpened++;
                    break;
                case TerminalDetached detached:
                    Increment(_terminalDetaches, detached.Reason);
                    break;
                case TerminalClosed:
                    _terminalsClosed++;
                    break;
            }
        }
    }

    /// <summary>The counts so far (copies).</summary>
    public AgentEventTotals Snapshot()
    {
        lock (_gate)
        {
            return new AgentEventTotals(
                _lifecycle,
                new Dictionary<LifecycleState, long>(_transitions),
                new Dictionary<string, long>(_metadataRuns, StringComparer.Ordinal),
                new Dictionary<string, long>(_metadataErrors, StringComparer.Ordinal),
                new Dictionary<string, long>(_logLines, StringComparer.Ordinal),
                _terminalsOpened,
                new Dictionary<string, long>(_terminalDetaches, StringComparer.Ordinal),
                _terminalsClosed);
        }
    }

    private static string Increment(Dictionary<string, long> counts, string key)
    {
        if (counts.Count >= MaxKeys && !counts.ContainsKey(key))
            key = OtherKey;
        counts[key] = counts.GetValueOrDefault(key) + 1;
        return key;
    }
}
