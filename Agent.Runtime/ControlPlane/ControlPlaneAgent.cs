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
/// than the agent timeout; the flip to disconnected is a timer re-armed by every call. What it reports goes to its
/// <see cref="IAgentJournal"/> too: startup, lifecycle and logs are kept before they are taken (and acknowledged),
/// one at a time; the rest is handed over at once and written coalesced.
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
    private readonly IAgentJournal _journal;
    private readonly SemaphoreSlim _writes = new(1, 1);
    private readonly TimeSpan _agentTimeout;
    private readonly List<LifecycleReport> _lifecycle = [];
    private readonly List<StartupLog> _startupLogs = [];
    private readonly List<StartupLog> _shutdownLogs = [];
    private readonly Dictionary<string, MetadataResult> _metadata = new(StringComparer.Ordinal);
    private readonly Dictionary<string, MetadataDescription> _metadataItems;
    private readonly Dictionary<Guid, AppHealth> _health;

    // Per log source, the size of the last batch taken, or null when unknown (lines restored from the database).
    private readonly Dictionary<string, int?> _lastBatchLines = new(StringComparer.Ordinal);
    private long _logBytes;
    private bool _logsOverflowed;
    private StartupRequest? _startup;
    private Stats? _lastStats;
    private DateTimeOffset? _lastSeen;
    private bool _connected;
    private int _relays;
    private long _activitySequence;
    private bool _disposed;

    internal ControlPlaneAgent(WorkspaceAgentDefinition definition, IScheduler scheduler, TimeSpan agentTimeout, IAgentJournal journal)
    {
        ArgumentNullException.ThrowIfNull(journal);
        _journal = journal;
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

    /// <summary>Where the reports are kept beyond memory; the store disposes it (which writes what is pending).</summary>
    internal IAgentJournal Journal => _journal;

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
        _writes.Dispose();
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
            _journal.Seen(now);
            if (!_connected)
            {
                _connected = true;
                _feed.Publish(new ConnectionChanged(now, ConnectionState.Connected));
            }

            _activity.OnNext(++_activitySequence);
        }
    }

    /// <summary>Keeps the startup report, then takes it; a journal failure throws and changes nothing.</summary>
    internal async Task ReportStartupAsync(StartupRequest request, CancellationToken cancellationToken)
    {
        await _writes.WaitAsync(cancellationToken);
        try
        {
            await _journal.RecordStartupAsync(request, cancellationToken);
            lock (_gate)
            {
                _startup = request;
                _feed.Publish(new StartupReported(_scheduler.Now, request.Version, request.ExpandedDirectory, request.Subsystem));
            }
        }
        finally
        {
            _writes.Release();
        }
    }

    /// <summary>
    /// Keeps a lifecycle report, then takes it; a journal failure throws and changes nothing. A report equal to the
    /// newest one kept (the agent retrying a post whose answer it lost) is taken once.
    /// </summary>
    internal async Task ReportLifecycleAsync(LifecycleReport report, CancellationToken cancellationToken)
    {
        if (report.ChangedAt == default)
            report = report with { ChangedAt = _scheduler.Now };
        await _writes.WaitAsync(cancellationToken);
        try
        {
            lock (_gate)
            {
                if (_lifecycle.Count > 0 && _lifecycle[^1] == report)
                    return;
            }

            await _journal.RecordLifecycleAsync(report, cancellationToken);
            lock (_gate)
                TakeLifecycle(report);
        }
        finally
        {
            _writes.Release();
        }
    }

    /// <summary>
    /// Keeps a batch of log lines, then takes it; <c>false</c> (nothing stored, the overflow kept) when it would pass
    /// the size limit; a journal failure throws and changes nothing. A batch equal to the last one taken (or, right
    /// after a restart, to the newest lines restored) is the agent retrying a PATCH whose answer it lost: taken once.
    /// </summary>
    internal async Task<bool> AppendLogsAsync(string source, IReadOnlyList<StartupLog> logs, CancellationToken cancellationToken)
    {
        var now = _scheduler.Now;
        var stored = logs.Select(log => log with
        {
            CreatedAt = log.CreatedAt == default ? now : log.CreatedAt,
            Level = string.IsNullOrEmpty(log.Level) ? "info" : log.Level,
        }).ToList();
        var bytes = stored.Sum(log => (long)Utf8Text.ByteCount(log.Output));
        await _writes.WaitAsync(cancellationToken);
        try
        {
            bool fits, overflowed;
            lock (_gate)
            {
                if (IsRetry(source, stored))
                    return true;
                fits = _logBytes + bytes <= MaxLogBytes && _startupLogs.Count + _shutdownLogs.Count + stored.Count <= MaxLogLines;
                overflowed = _logsOverflowed;
            }

            // The overflow is stored once: an agent that goes on sending past the limit costs no database write.
            if (!fits)
            {
                if (!overflowed)
                    await _journal.RecordLogsOverflowedAsync(cancellationToken);
                lock (_gate)
                    _logsOverflowed = true;
                return false;
            }

            await _journal.RecordLogsAsync(source, stored, cancellationToken);
            lock (_gate)
            {
                _logBytes += bytes;
                _lastBatchLines[source] = stored.Count;
                TakeLogs(source, stored);
            }

            return true;
        }
        finally
        {
            _writes.Release();
        }
    }

    /// <summary>
    /// Takes what the journal kept before this start, before any report arrives (the database's stored state, field by
    /// field: the database's types live in a folder that uses this one): the feed's snapshot shows it (the log lines'
    /// tail), and the agent shows disconnected, last seen when it was.
    /// </summary>
    internal void Restore(
        StartupRequest? startup,
        IReadOnlyList<LifecycleReport> lifecycle,
        IReadOnlyList<StartupLog> startupLogs,
        IReadOnlyList<StartupLog> shutdownLogs,
        bool logsOverflowed,
        IReadOnlyDictionary<string, MetadataResult> metadata,
        IReadOnlyDictionary<Guid, AppHealth> appHealth,
        Stats? lastStats,
        DateTimeOffset? lastSeenAt)
    {
        lock (_gate)
        {
            var now = _scheduler.Now;
            if (startup is not null)
            {
                _startup = startup;
                _feed.Publish(new StartupReported(now, startup.Version, startup.ExpandedDirectory, startup.Subsystem));
            }

            foreach (var report in lifecycle.TakeLast(MaxLifecycleReports))
                TakeLifecycle(report);
            foreach (var (source, logs) in new[] { (LogSources.Startup, startupLogs), (LogSources.Shutdown, shutdownLogs) })
            {
                LogsOf(source).AddRange(logs);
                if (logs.Count > 0)
                    _lastBatchLines[source] = null;
                _logBytes += logs.Sum(log => (long)Utf8Text.ByteCount(log.Output));
                foreach (var log in logs.TakeLast(AgentEventFeed.LogTailLines))
                    _feed.Publish(new LogLine(log.CreatedAt, source, log.Output, log.Level));
            }

            _logsOverflowed = logsOverflowed;
            foreach (var (key, result) in metadata)
            {
                if (!_metadataItems.TryGetValue(key, out var item))
                    continue;
                _metadata[key] = result;
                _feed.Publish(new MetadataCollected(result.CollectedAt, key, item.DisplayName, result));
            }

            foreach (var (id, health) in appHealth.Where(pair => _health.ContainsKey(pair.Key)))
                _health[id] = health;
            if (appHealth.Count > 0)
                _feed.Publish(new AppHealthChanged(now, new Dictionary<Guid, AppHealth>(_health)));
            if (lastStats is not null)
            {
                _lastStats = lastStats;
                _feed.Publish(new StatsReported(now, lastStats));
            }

            if (lastSeenAt is { } seen)
            {
                _lastSeen = seen;
                _feed.Publish(new ConnectionChanged(now, ConnectionState.Disconnected, $"last seen {seen:O}, not since the control plane started"));
            }
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
            _journal.Metadata(key, stored);
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
                _journal.AppHealth(id, health);
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
            _journal.Stats(stats);
            _feed.Publish(new StatsReported(_scheduler.Now, stats));
        }
    }

    private MetadataResult? ResultOf(string key, DateTimeOffset now)
        => _metadata.TryGetValue(key, out var result)
            ? result with { Age = (long)Math.Max(0, (now - result.CollectedAt).TotalSeconds) }
            : null;

    private bool IsRetry(string source, List<StartupLog> batch)
    {
        if (!_lastBatchLines.TryGetValue(source, out var lines) || (lines is { } known && known != batch.Count))
            return false;
        var target = LogsOf(source);
        return target.Count >= batch.Count && target.Skip(target.Count - batch.Count).SequenceEqual(batch);
    }

    private void TakeLifecycle(LifecycleReport report)
    {
        _lifecycle.Add(report);
        if (_lifecycle.Count > MaxLifecycleReports)
            _lifecycle.RemoveAt(0);
        _feed.Publish(new LifecycleChanged(report.ChangedAt, report.State));
    }

    private void TakeLogs(string source, List<StartupLog> logs)
    {
        var target = LogsOf(source);
        foreach (var log in logs)
        {
            target.Add(log);
            _feed.Publish(new LogLine(log.CreatedAt, source, log.Output, log.Level));
        }
    }

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
