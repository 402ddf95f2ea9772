using System.Reactive.Subjects;

namespace Agent.Reactive.Monitoring;

/// <summary>
/// The events of one agent as a hot stream that a late subscriber joins with the current state first:
/// the connection, the relay, the startup report, every lifecycle change, the latest result per metadata key,
/// the latest app health and stats, and the tail of each script log. The snapshot and the registration
/// of the new observer happen under one lock, so nothing is lost or doubled between them.
/// </summary>
public sealed class AgentEventFeed : IObservable<AgentEvent>, IDisposable
{
    /// <summary>Log lines kept per source for late subscribers.</summary>
    public const int LogTailLines = 200;

    /// <summary>Lifecycle changes kept for late subscribers (a state machine of nine states needs few).</summary>
    public const int LifecycleHistory = 64;

    private readonly Lock _gate = new();
    private readonly Subject<AgentEvent> _live = new();
    private readonly List<LifecycleChanged> _lifecycle = [];
    private readonly Dictionary<string, MetadataCollected> _metadata = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Queue<LogLine>> _logs = new(StringComparer.Ordinal);
    private ConnectionChanged? _connection;
    private RelayChanged? _relay;
    private StartupReported? _startup;
    private AppHealthChanged? _appHealth;
    private StatsReported? _stats;

    /// <summary>Records <paramref name="agentEvent"/> in the snapshot and sends it to every subscriber.</summary>
    public void Publish(AgentEvent agentEvent)
    {
        ArgumentNullException.ThrowIfNull(agentEvent);
        lock (_gate)
        {
            Remember(agentEvent);
            _live.OnNext(agentEvent);
        }
    }

    /// <summary>The current state, in the order a new subscriber receives it.</summary>
    public IReadOnlyList<AgentEvent> Snapshot()
    {
        lock (_gate)
        {
            var events = new List<AgentEvent>();
            if (_connection is not null) events.Add(_connection);
            if (_relay is not null) events.Add(_relay);
            if (_startup is not null) events.Add(_startup);
            events.AddRange(_lifecycle);
            events.AddRange(_metadata.Values.OrderBy(m => m.Key, StringComparer.Ordinal));
            if (_appHealth is not null) events.Add(_appHealth);
            if (_stats is not null) events.Add(_stats);
            events.AddRange(_logs.Values.SelectMany(lines => lines).OrderBy(line => line.At));
            return events;
        }
    }

    public IDisposable Subscribe(IObserver<AgentEvent> observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        lock (_gate)
        {
            foreach (var agentEvent in Snapshot())
                observer.OnNext(agentEvent);
            return _live.Subscribe(observer);
        }
    }

    /// <summary>Forgets metadata keys that are no longer in the manifest.</summary>
    public void RetainMetadata(IReadOnlySet<string> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        lock (_gate)
        {
            foreach (var key in _metadata.Keys.Where(key => !keys.Contains(key)).ToList())
                _metadata.Remove(key);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _live.OnCompleted();
            _live.Dispose();
        }
    }

    private void Remember(AgentEvent agentEvent)
    {
        switch (agentEvent)
        {
            case ConnectionChanged connection:
                _connection = connection;
                break;
            case RelayChanged relay:
                _relay = relay;
                break;
            case StartupReported startup:
                _startup = startup;
                break;
            case LifecycleChanged lifecycle:
                _lifecycle.Add(lifecycle);
                if (_lifecycle.Count > LifecycleHistory)
                    _lifecycle.RemoveAt(0);
                break;
            case MetadataCollected metadata:
                _metadata[metadata.Key] = metadata;
                break;
            case AppHealthChanged appHealth:
                _appHealth = appHealth;
                break;
            case StatsReported stats:
                _stats = stats;
                break;
            case LogLine line:
                if (!_logs.TryGetValue(line.Source, out var tail))
                    _logs[line.Source] = tail = new Queue<LogLine>();
                tail.Enqueue(line);
                while (tail.Count > LogTailLines)
                    tail.Dequeue();
                break;
        }
    }
}
