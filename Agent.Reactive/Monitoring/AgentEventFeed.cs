namespace Agent.Reactive.Monitoring;

/// <summary>
/// The events of one agent as a hot stream that a late subscriber joins with the current state first:
/// the connection, the relay, the startup report, every lifecycle change, the latest result per metadata key,
/// the latest app health and stats, and the tail of each script log.
/// </summary>
/// <remarks>
/// No observer is called under a lock. Recording an event (or taking a new subscriber's snapshot) and queueing
/// its delivery happen under one lock, so the queue holds them in the order the state saw them; one thread at a
/// time then delivers the queue outside the lock (<see cref="DeliveryQueue"/>). A subscriber therefore gets its
/// snapshot and then exactly the events recorded after it, nothing lost or doubled; an observer that publishes or
/// subscribes from <c>OnNext</c>, on its own thread or by waiting for another, only queues and never deadlocks,
/// and every observer sees the events in one order.
/// </remarks>
public sealed class AgentEventFeed : IObservable<AgentEvent>, IDisposable
{
    /// <summary>Log lines kept per source for late subscribers.</summary>
    public const int LogTailLines = 200;

    /// <summary>Lifecycle changes kept for late subscribers (a state machine of nine states needs few).</summary>
    public const int LifecycleHistory = 64;

    private readonly Lock _gate = new();
    private readonly DeliveryQueue _delivery;
    private readonly List<LifecycleChanged> _lifecycle = [];
    private readonly Dictionary<string, MetadataCollected> _metadata = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Queue<LogLine>> _logs = new(StringComparer.Ordinal);

    // Touched only by delivery actions, which run one at a time.
    private readonly List<FeedSubscription> _observers = [];
    private ConnectionChanged? _connection;
    private RelayChanged? _relay;
    private StartupReported? _startup;
    private AppHealthChanged? _appHealth;
    private StatsReported? _stats;
    private ResourcesChanged? _resources;
    private bool _disposed;

    public AgentEventFeed() => _delivery = new DeliveryQueue(_gate);

    /// <summary>
    /// Records <paramref name="agentEvent"/> in the snapshot and sends it to every subscriber (on this thread, or on
    /// the thread delivering already). Ignored once the feed is disposed.
    /// </summary>
    public void Publish(AgentEvent agentEvent)
    {
        ArgumentNullException.ThrowIfNull(agentEvent);
        lock (_gate)
        {
            if (_disposed)
                return;
            Remember(agentEvent);
            _delivery.Enqueue(() =>
            {
                foreach (var subscription in _observers.ToArray())
                    subscription.OnNext(agentEvent);
            });
        }

        _delivery.Drain();
    }

    /// <summary>The current state, in the order a new subscriber receives it.</summary>
    public IReadOnlyList<AgentEvent> Snapshot()
    {
        lock (_gate)
            return SnapshotHeld();
    }

    public IDisposable Subscribe(IObserver<AgentEvent> observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        var subscription = new FeedSubscription(observer, this);
        lock (_gate)
        {
            if (_disposed)
            {
                _delivery.Enqueue(subscription.OnCompleted);
            }
            else
            {
                var snapshot = SnapshotHeld();
                _delivery.Enqueue(() =>
                {
                    foreach (var agentEvent in snapshot)
                        subscription.OnNext(agentEvent);
                    _observers.Add(subscription);
                });
            }
        }

        _delivery.Drain();
        return subscription;
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

    /// <summary>Completes every subscriber; later events are ignored and later subscribers complete at once.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
                return;
            _disposed = true;
            _delivery.Enqueue(() =>
            {
                foreach (var subscription in _observers.ToArray())
                    subscription.OnCompleted();
                _observers.Clear();
            });
        }

        _delivery.Drain();
    }

    private void Unsubscribe(FeedSubscription subscription)
    {
        lock (_gate)
            _delivery.Enqueue(() => _observers.Remove(subscription));
        _delivery.Drain();
    }

    private List<AgentEvent> SnapshotHeld()
    {
        var events = new List<AgentEvent>();
        if (_connection is not null) events.Add(_connection);
        if (_relay is not null) events.Add(_relay);
        if (_startup is not null) events.Add(_startup);
        events.AddRange(_lifecycle);
        events.AddRange(_metadata.Values.OrderBy(m => m.Key, StringComparer.Ordinal));
        if (_appHealth is not null) events.Add(_appHealth);
        if (_stats is not null) events.Add(_stats);
        if (_resources is not null) events.Add(_resources);
        events.AddRange(_logs.Values.SelectMany(lines => lines).OrderBy(line => line.At));
        return events;
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
            case ResourcesChanged resources:
                _resources = resources;
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

    /// <summary>One subscriber: after its disposal nothing more reaches it, even what was queued before.</summary>
    private sealed class FeedSubscription(IObserver<AgentEvent> observer, AgentEventFeed feed) : IDisposable
    {
        private int _disposed;

        public void OnNext(AgentEvent agentEvent)
        {
            if (Volatile.Read(ref _disposed) == 0)
                observer.OnNext(agentEvent);
        }

        public void OnCompleted()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
                observer.OnCompleted();
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
                feed.Unsubscribe(this);
        }
    }
}
