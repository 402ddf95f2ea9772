using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using Agent.Reactive.Monitoring;
using Agent.Reactive.Protocol;

namespace Agent.Runtime.ControlPlane;

/// <summary>
/// What the embedded control plane knows about one agent: its manifest, what it reported, and whether it is
/// connected. Every report is also published as an <see cref="AgentEvent"/> on <see cref="Events"/>
/// (snapshot first for late subscribers). An agent counts as connected while its last API call is younger
/// than the agent timeout; the flip to disconnected is a timer re-armed by every call.
/// </summary>
public sealed class ControlPlaneAgent : IDisposable
{
    /// <summary>Total UTF-8 bytes of log output kept per agent (Coder's <c>max_startup_logs_length</c>).</summary>
    public const int MaxLogBytes = 1 << 20;

    /// <summary>Total log lines kept per agent, so empty lines cannot grow the store without bound.</summary>
    public const int MaxLogLines = 100_000;

    /// <summary>Metadata values and errors are cut to this many UTF-8 bytes, as Coder does.</summary>
    public const int MaxMetadataBytes = 32 << 10;

    /// <summary>Lifecycle reports kept (the most recent ones).</summary>
    public const int MaxLifecycleReports = 1000;

    private readonly Lock _gate = new();
    private readonly AgentEventFeed _feed = new();
    private readonly Subject<long> _activity = new();
    private readonly IDisposable _watch;
    private readonly IScheduler _scheduler;
    private readonly TimeSpan _agentTimeout;
    private readonly List<LifecycleReport> _lifecycle = [];
    private readonly List<StartupLog> _startupLogs = [];
    private readonly List<StartupLog> _shutdownLogs = [];
    private readonly Dictionary<string, MetadataResult> _metadata = new(StringComparer.Ordinal);
    private readonly Dictionary<string, MetadataDescription> _metadataItems;
    private readonly Dictionary<Guid, AppHealth> _health;
    private long _logBytes;
    private bool _logsOverflowed;
    private StartupRequest? _startup;
    private Stats? _lastStats;
    private DateTimeOffset? _lastSeen;
    private bool _connected;
    private int _relays;
    private long _activitySequence;
    private bool _disposed;

    internal ControlPlaneAgent(WorkspaceAgentDefinition definition, IScheduler scheduler, TimeSpan agentTimeout)
    {
        Name = definition.Name;
        Token = Guid.Parse(definition.Token);
        Manifest = definition.Manifest;
        _scheduler = scheduler;
        _agentTimeout = agentTimeout;
        _metadataItems = Manifest.Metadata.ToDictionary(item => item.Key, StringComparer.Ordinal);
        _health = Manifest.Apps.ToDictionary(app => app.Id, app => app.Health);
        _watch = _activity
            .Select(sequence => Observable.Timer(agentTimeout, scheduler).Select(_ => sequence))
            .Switch()
            .Subscribe(OnQuiet);
        _feed.Publish(new ConnectionChanged(scheduler.Now, ConnectionState.Disconnected, "never connected"));
    }

    public string Name { get; }

    /// <summary>The manifest served to this agent.</summary>
    public Manifest Manifest { get; }

    /// <summary>Everything the agent reports, current state first, then live.</summary>
    public IObservable<AgentEvent> Events => _feed;

    internal Guid Token { get; }

    /// <summary>Passes on what only the agent sees (its terminals' opening, attaching, detaching and closing).</summary>
    public void ReportAgentEvent(AgentEvent agentEvent)
    {
        if (agentEvent is TerminalOpened or TerminalAttached or TerminalDetached or TerminalClosed)
            _feed.Publish(agentEvent);
    }

    /// <summary>Counts a connected relay of this agent until the result is disposed; changes go to <see cref="Events"/>.</summary>
    public IDisposable RelayAttached(IScheduler scheduler)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        lock (_gate)
        {
            if (_relays++ == 0)
                _feed.Publish(new RelayChanged(scheduler.Now, ConnectionState.Connected));
        }

        return Disposable.Create(() =>
        {
            lock (_gate)
            {
                if (--_relays == 0)
                    _feed.Publish(new RelayChanged(scheduler.Now, ConnectionState.Disconnected, "the relay closed"));
            }
        });
    }

    /// <summary>A newer relay (from <paramref name="remote"/>) replaced the one from <paramref name="previous"/>; shown on <see cref="Events"/>.</summary>
    public void RelayReplaced(IScheduler scheduler, string remote, string previous)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        lock (_gate)
            _feed.Publish(new RelayChanged(scheduler.Now, ConnectionState.Connected, $"a newer relay from {remote} replaced the one from {previous}"));
    }

    public AgentSummary Summary()
    {
        lock (_gate)
        {
            return new AgentSummary
            {
                Name = Name,
                Status = _connected ? ConnectionState.Connected : ConnectionState.Disconnected,
                Relay = _relays > 0 ? ConnectionState.Connected : ConnectionState.Disconnected,
                LifecycleState = _lifecycle.Count == 0 ? LifecycleState.Created : _lifecycle[^1].State,
                Version = _startup?.Version ?? string.Empty,
                ExpandedDirectory = _startup?.ExpandedDirectory ?? string.Empty,
                Subsystem = _startup?.Subsystem ?? string.Empty,
                SshHostKeys = _startup?.SshHostKeys ?? [],
                Apps = Manifest.Apps.Select(app => app with { Health = _health.GetValueOrDefault(app.Id, app.Health) }).ToList(),
                LastStats = _lastStats,
                LastSeenAt = _lastSeen,
                StartupLogsOverflowed = _logsOverflowed,
            };
        }
    }

    /// <summary>Every lifecycle report received, oldest first.</summary>
    public IReadOnlyList<LifecycleReport> Lifecycle()
    {
        lock (_gate)
            return _lifecycle.ToList();
    }

    /// <summary>The log lines of <paramref name="source"/> (<see cref="LogSources"/>), oldest first.</summary>
    public IReadOnlyList<StartupLog> Logs(string source)
    {
        lock (_gate)
            return LogsOf(source).ToList();
    }

    /// <summary>Every metadata item of the manifest with its last result; <c>age</c> is computed now.</summary>
    public IReadOnlyList<MetadataEntry> Metadata()
    {
        lock (_gate)
        {
            var now = _scheduler.Now;
            return Manifest.Metadata.Select(item => new MetadataEntry(item.Key, item.DisplayName, ResultOf(item.Key, now))).ToList();
        }
    }

    public void Dispose()
    {
        _watch.Dispose();
        lock (_gate)
        {
            _disposed = true;
            _activity.Dispose();
        }

        _feed.Dispose();
    }

    /// <summary>The agent made an API call: it is connected until <c>agent timeout</c> passes without another.</summary>
    internal void Touch()
    {
        lock (_gate)
        {
            if (_disposed)
                return;
            var now = _scheduler.Now;
            _lastSeen = now;
            if (!_connected)
            {
                _connected = true;
                _feed.Publish(new ConnectionChanged(now, ConnectionState.Connected));
            }

            _activity.OnNext(++_activitySequence);
        }
    }

    internal void ReportStartup(StartupRequest request)
    {
        lock (_gate)
        {
            _startup = request;
            _feed.Publish(new StartupReported(_scheduler.Now, request.Version, request.ExpandedDirectory, request.Subsystem));
        }
    }

    internal void ReportLifecycle(LifecycleReport report)
    {
        lock (_gate)
        {
            if (report.ChangedAt == default)
                report = report with { ChangedAt = _scheduler.Now };
            _lifecycle.Add(report);
            if (_lifecycle.Count > MaxLifecycleReports)
                _lifecycle.RemoveAt(0);
            _feed.Publish(new LifecycleChanged(report.ChangedAt, report.State));
        }
    }

    /// <summary>Stores a batch of log lines; <c>false</c> (nothing stored) when it would pass the size limit.</summary>
    internal bool AppendLogs(string source, IReadOnlyList<StartupLog> logs)
    {
        lock (_gate)
        {
            var bytes = logs.Sum(log => (long)Utf8Text.ByteCount(log.Output));
            if (_logBytes + bytes > MaxLogBytes || _startupLogs.Count + _shutdownLogs.Count + logs.Count > MaxLogLines)
            {
                _logsOverflowed = true;
                return false;
            }

            _logBytes += bytes;
            var now = _scheduler.Now;
            var target = LogsOf(source);
            foreach (var log in logs)
            {
                var stored = log with
                {
                    CreatedAt = log.CreatedAt == default ? now : log.CreatedAt,
                    Level = string.IsNullOrEmpty(log.Level) ? "info" : log.Level,
                };
                target.Add(stored);
                _feed.Publish(new LogLine(stored.CreatedAt, source, stored.Output, stored.Level));
            }

            return true;
        }
    }

    /// <summary>
    /// Stores a metadata result the way Coder does: server time as <c>collected_at</c>, value and error cut to
    /// 32 KiB. Returns <c>false</c> (and stores nothing) for a key the manifest does not list.
    /// </summary>
    internal bool ReportMetadata(string key, MetadataResult result)
    {
        if (!_metadataItems.TryGetValue(key, out var item))
            return false;
        var value = result.Value ?? string.Empty;
        var error = result.Error ?? string.Empty;
        var valueBytes = Utf8Text.ByteCount(value);
        if (valueBytes > MaxMetadataBytes)
        {
            error = $"value of {valueBytes} bytes exceeded {MaxMetadataBytes} bytes";
            value = Utf8Text.Truncate(value, MaxMetadataBytes);
        }

        error = Utf8Text.Truncate(error, MaxMetadataBytes);
        lock (_gate)
        {
            var now = _scheduler.Now;
            var stored = new MetadataResult(now, 0, value, error);
            _metadata[key] = stored;
            _feed.Publish(new MetadataCollected(now, key, item.DisplayName, stored));
        }

        return true;
    }

    /// <summary>Applies validated health values; publishes the whole map when something changed.</summary>
    internal void ReportAppHealth(IReadOnlyDictionary<Guid, AppHealth> healths)
    {
        lock (_gate)
        {
            var changed = false;
            foreach (var (id, health) in healths)
            {
                if (_health.TryGetValue(id, out var previous) && previous == health)
                    continue;
                _health[id] = health;
                changed = true;
            }

            if (changed)
                _feed.Publish(new AppHealthChanged(_scheduler.Now, new Dictionary<Guid, AppHealth>(_health)));
        }
    }

    /// <summary>Keeps a stats window; a body without <c>connections_by_proto</c> only asks for the interval.</summary>
    internal void ReportStats(Stats stats)
    {
        if (stats.ConnectionsByProto is null)
            return;
        lock (_gate)
        {
            _lastStats = stats;
            _feed.Publish(new StatsReported(_scheduler.Now, stats));
        }
    }

    private MetadataResult? ResultOf(string key, DateTimeOffset now)
        => _metadata.TryGetValue(key, out var result)
            ? result with { Age = (long)Math.Max(0, (now - result.CollectedAt).TotalSeconds) }
            : null;

    private List<StartupLog> LogsOf(string source)
        => source == LogSources.Shutdown ? _shutdownLogs : _startupLogs;

    private void OnQuiet(long sequence)
    {
        lock (_gate)
        {
            if (sequence != _activitySequence || !_connected)
                return;
            _connected = false;
            _feed.Publish(new ConnectionChanged(
                _scheduler.Now,
                ConnectionState.Disconnected,
                $"no API call for {_agentTimeout.TotalSeconds:0.###} s"));
        }
    }
}
