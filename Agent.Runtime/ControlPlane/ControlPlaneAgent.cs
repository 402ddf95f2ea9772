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
    private readonly Subject<AgentChange> _changes = new();
    private readonly AgentConnection _connection;
    private readonly IScheduler _scheduler;
    private readonly IAgentJournal _journal;
    private readonly SemaphoreSlim _writes = new(1, 1);
    private readonly AgentReports _reports;
    private readonly AgentResources _resources = new();

    internal ControlPlaneAgent(WorkspaceAgentDefinition definition, IScheduler scheduler, TimeSpan agentTimeout, IAgentJournal journal)
    {
        ArgumentNullException.ThrowIfNull(journal);
        _journal = journal;
        Name = definition.Name;
        Token = Guid.Parse(definition.Token);
        Manifest = definition.Manifest;
        _scheduler = scheduler;
        _reports = new AgentReports(Manifest, _feed, scheduler);
        _connection = new AgentConnection(_gate, _feed, scheduler, agentTimeout, relay => Announce(AgentChangeKind.Relay, change => change with { Relay = relay }));
    }

    public string Name { get; }

    /// <summary>The manifest served to this agent.</summary>
    public Manifest Manifest { get; }

    /// <summary>Everything the agent reports, current state first, then live.</summary>
    public IObservable<AgentEvent> Events => _feed;

    /// <summary>
    /// What this replica took from the agent itself, in the order taken, for the peer replicas: startup, lifecycle and
    /// logs once stored, the rest at once; never what <see cref="ApplyRemote"/> or <see cref="TakeStored"/> while running took.
    /// </summary>
    internal IObservable<AgentChange> Changes => _changes;

    /// <summary>Where the reports are kept beyond memory; the store disposes it (which writes what is pending).</summary>
    internal IAgentJournal Journal => _journal;

    internal Guid Token { get; }

    /// <summary>Passes on what only the agent sees (its terminals' opening, attaching, detaching and closing; its session recordings' start and end).</summary>
    public void ReportAgentEvent(AgentEvent agentEvent)
    {
        if (agentEvent is not (TerminalOpened or TerminalAttached or TerminalDetached or TerminalClosed or RecordingStarted or RecordingEnded))
            return;
        lock (_gate)
        {
            _feed.Publish(agentEvent);
            Announce(AgentChangeKind.Terminal, change => change with { Terminal = agentEvent });
        }
    }

    /// <summary>Tells connection reports the journal kept on <see cref="Events"/>.</summary>
    public void ReportConnections(IReadOnlyList<ConnectionReport> reports)
    {
        ArgumentNullException.ThrowIfNull(reports);
        foreach (var report in reports)
            _feed.Publish(new ConnectionReported(report.Timestamp, report));
    }

    /// <summary>Counts a connected relay of this agent until the result is disposed; changes go to <see cref="Events"/>.</summary>
    public IDisposable RelayAttached(IScheduler scheduler)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        lock (_gate)
            return _connection.RelayAttached();
    }

    /// <summary>A newer relay (from <paramref name="remote"/>) replaced the one from <paramref name="previous"/>; shown on <see cref="Events"/>.</summary>
    public void RelayReplaced(IScheduler scheduler, string remote, string previous)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        lock (_gate)
            _connection.RelayReplaced($"a newer relay from {remote} replaced the one from {previous}");
    }

    public AgentSummary Summary()
    {
        lock (_gate)
        {
            var health = _reports.AppHealth;
            return new AgentSummary
            {
                Name = Name,
                Status = _connection.Connected ? ConnectionState.Connected : ConnectionState.Disconnected,
                Relay = _connection.Relay,
                LifecycleState = _reports.Lifecycle.Count == 0 ? LifecycleState.Created : _reports.Lifecycle[^1].State,
                LifecycleChangedAt = _reports.LifecycleChangedAt,
                Version = _reports.Startup?.Version ?? string.Empty,
                ExpandedDirectory = _reports.Startup?.ExpandedDirectory ?? string.Empty,
                Subsystem = _reports.Startup?.Subsystem ?? string.Empty,
                SshHostKeys = _reports.Startup?.SshHostKeys ?? [],
                SshHostKeyFingerprints = _reports.HostKeyFingerprints,
                Apps = Manifest.Apps.Select(app => app with { Health = health.GetValueOrDefault(app.Id, app.Health) }).ToList(),
                LastStats = _reports.LastStats,
                LastSeenAt = _connection.LastSeen,
                StartupLogsOverflowed = _reports.Logs.Overflowed,
                Resources = _resources.Current,
            };
        }
    }

    /// <summary>Every lifecycle report received, oldest first.</summary>
    public IReadOnlyList<LifecycleReport> Lifecycle()
    {
        lock (_gate)
            return _reports.Lifecycle.ToList();
    }

    /// <summary>The stats of the last hour, per minute, oldest first (empty before the first report).</summary>
    public StatsHistoryResponse StatsHistory()
    {
        lock (_gate)
            return new StatsHistoryResponse(ControlPlane.StatsHistory.BucketSeconds, _reports.StatsHistory?.Points(_scheduler.Now) ?? []);
    }

    /// <summary>The log lines of <paramref name="source"/> (<see cref="LogSources"/>), oldest first.</summary>
    public IReadOnlyList<StartupLog> Logs(string source)
    {
        lock (_gate)
            return _reports.Logs.Of(source).ToList();
    }

    /// <summary>How many lines each log source holds (<see cref="LogSources.KeyOf"/>).</summary>
    public IReadOnlyDictionary<string, int> LogCounts()
    {
        lock (_gate)
            return _reports.Logs.Counts();
    }

    /// <summary>Every metadata item of the manifest with its last result; <c>age</c> is computed now.</summary>
    public IReadOnlyList<MetadataEntry> Metadata()
    {
        lock (_gate)
        {
            var now = _scheduler.Now;
            return Manifest.Metadata.Select(item => new MetadataEntry(item.Key, item.DisplayName, _reports.ResultOf(item.Key, now))
            {
                Interval = item.Interval,
                Timeout = item.Timeout,
            }).ToList();
        }
    }

    /// <summary>The watched resources now and their recent state changes.</summary>
    public ResourcesResponse Resources()
    {
        lock (_gate)
            return new ResourcesResponse(_resources.Current, _resources.Changes);
    }

    public void Dispose()
    {
        _connection.Dispose();
        lock (_gate)
            _changes.OnCompleted();
        _feed.Dispose();
        _writes.Dispose();
    }

    /// <summary>The agent made an API call: it is connected until <c>agent timeout</c> passes without another.</summary>
    internal void Touch()
    {
        lock (_gate)
        {
            var now = _scheduler.Now;
            if (!_connection.Touch(now, local: true))
                return;
            _journal.Seen(now);
            Announce(AgentChangeKind.Seen, change => change);
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
                _reports.TakeStartup(request);
                Announce(AgentChangeKind.Startup, change => change with { Startup = request });
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
        var takenAt = _scheduler.Now;
        if (report.ChangedAt == default)
            report = report with { ChangedAt = takenAt };
        await _writes.WaitAsync(cancellationToken);
        try
        {
            lock (_gate)
            {
                if (_reports.IsNewestLifecycle(report))
                    return;
            }

            await _journal.RecordLifecycleAsync(report, cancellationToken);
            lock (_gate)
            {
                _reports.TakeLifecycle(report, takenAt);
                Announce(AgentChangeKind.Lifecycle, change => change with { At = takenAt, Lifecycle = report });
            }
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
        var bytes = AgentLogs.ByteCount(stored);
        await _writes.WaitAsync(cancellationToken);
        try
        {
            bool fits, overflowed;
            lock (_gate)
            {
                if (_reports.Logs.IsRetry(source, stored))
                    return true;
                fits = _reports.Logs.Fits(bytes, stored.Count);
                overflowed = _reports.Logs.Overflowed;
            }

            // The overflow is stored once: an agent that goes on sending past the limit costs no database write.
            if (!fits)
            {
                if (!overflowed)
                    await _journal.RecordLogsOverflowedAsync(cancellationToken);
                lock (_gate)
                {
                    _reports.Logs.Overflowed = true;
                    if (!overflowed)
                        Announce(AgentChangeKind.LogsOverflowed, change => change);
                }

                return false;
            }

            await _journal.RecordLogsAsync(source, stored, cancellationToken);
            lock (_gate)
            {
                _reports.TakeLogs(source, stored);
                Announce(AgentChangeKind.Logs, change => change with { LogSource = source, Logs = stored });
            }

            return true;
        }
        finally
        {
            _writes.Release();
        }
    }

    /// <summary>
    /// Takes the database's stored state (field by field: the database's types live in a folder that uses this one).
    /// At start (<paramref name="running"/> false), before any report arrives: the feed's snapshot shows it (the log
    /// lines' tail), and the agent shows disconnected, last seen when it was. While running (a peer's changes may have
    /// been missed): lists are replaced, what is new is published, a metadata value newer than the stored one stays, a
    /// last call younger than the agent timeout counts as connected; skipped (<c>false</c>) while the agent calls this
    /// replica, which then wrote it all and whose memory is ahead of the database.
    /// </summary>
    internal bool TakeStored(
        bool running,
        StartupRequest? startup,
        IReadOnlyList<LifecycleReport> lifecycle,
        IReadOnlyList<StartupLog> startupLogs,
        IReadOnlyList<StartupLog> shutdownLogs,
        bool logsOverflowed,
        IReadOnlyDictionary<string, MetadataResult> metadata,
        IReadOnlyDictionary<Guid, AppHealth> appHealth,
        Stats? lastStats,
        DateTimeOffset? lastSeenAt,
        IReadOnlyDictionary<string, IReadOnlyList<StartupLog>>? sourceLogs = null)
    {
        lock (_gate)
        {
            if (running && _connection.CallsHere)
                return false;
            _reports.Replace(startup, lifecycle, startupLogs, shutdownLogs, sourceLogs ?? new Dictionary<string, IReadOnlyList<StartupLog>>(), logsOverflowed, metadata, appHealth, lastStats, atStart: !running);
            if (lastSeenAt is not { } seen)
                return true;
            if (!running)
                _connection.Restore(seen);
            else if (_connection.LastSeen != seen)
                _connection.StoredSeen(seen);
            return true;
        }
    }

    /// <summary>
    /// Takes a change a peer replica (<paramref name="replica"/>) took from the agent: shown here, neither journalled
    /// again (the peer did) nor announced again.
    /// </summary>
    internal void ApplyRemote(Guid replica, AgentChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        lock (_gate)
        {
            switch (change.Kind)
            {
                case AgentChangeKind.Startup when change.Startup is { } startup:
                    _reports.TakeStartup(startup);
                    break;
                case AgentChangeKind.Lifecycle when change.Lifecycle is { } report:
                    if (!_reports.IsNewestLifecycle(report))
                        _reports.TakeLifecycle(report, change.At);
                    break;
                case AgentChangeKind.Logs when change.Logs is { } logs && change.LogSource is { } source && LogSourceKeys.IsKey(source):
                    if (_reports.Logs.IsRetry(change.LogSource, logs))
                        break;
                    if (_reports.Logs.Fits(AgentLogs.ByteCount(logs), logs.Count))
                        _reports.TakeLogs(change.LogSource, logs);
                    else
                        _reports.Logs.Overflowed = true;
                    break;
                case AgentChangeKind.LogsOverflowed:
                    _reports.Logs.Overflowed = true;
                    break;
                case AgentChangeKind.Metadata when change.MetadataKey is { } key && change.Metadata is { } result:
                    _reports.TakeMetadata(key, result);
                    break;
                case AgentChangeKind.AppHealth when change.AppHealth is { } health:
                    _reports.TakeAppHealth(health);
                    break;
                case AgentChangeKind.Stats when change.Stats is { } stats:
                    _reports.TakeStats(stats, change.At);
                    break;
                case AgentChangeKind.Seen:
                    _ = _connection.Touch(change.At, local: false);
                    break;
                case AgentChangeKind.Relay when change.Relay is { } relay:
                    _connection.RemoteRelayChanged(replica, relay);
                    break;
                case AgentChangeKind.Terminal when change.Terminal is TerminalOpened or TerminalAttached or TerminalDetached or TerminalClosed:
                    _feed.Publish(change.Terminal);
                    break;
            }
        }
    }

    /// <summary>The peer replica that holds this agent's relay, or <c>null</c>.</summary>
    internal Guid? RemoteRelayHolder()
    {
        lock (_gate)
            return _connection.RemoteRelay;
    }

    /// <summary>Peer replica <paramref name="replica"/> holds this agent's relay (read from the database).</summary>
    internal void RemoteRelayHeld(Guid replica)
    {
        lock (_gate)
        {
            if (_connection.RemoteRelay != replica)
                _connection.RemoteRelayChanged(replica, new RelayChanged(_scheduler.Now, ConnectionState.Connected));
        }
    }

    /// <summary>The peer replica that held this agent's relay stopped beating: its relay shows disconnected.</summary>
    internal void RemoteRelayGone()
    {
        lock (_gate)
            _connection.RemoteRelayGone();
    }

    /// <summary>
    /// Stores a metadata result the way Coder does: server time as <c>collected_at</c>, value and error cut to
    /// 32 KiB. Returns <c>false</c> (and stores nothing) for a key the manifest does not list.
    /// </summary>
    internal bool ReportMetadata(string key, MetadataResult result)
    {
        if (!_reports.HasMetadataKey(key))
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
            var stored = new MetadataResult(_scheduler.Now, 0, value, error);
            _journal.Metadata(key, stored);
            _reports.TakeMetadata(key, stored);
            Announce(AgentChangeKind.Metadata, change => change with { MetadataKey = key, Metadata = stored });
        }

        return true;
    }

    /// <summary>Applies validated health values; publishes the whole map when something changed.</summary>
    internal void ReportAppHealth(IReadOnlyDictionary<Guid, AppHealth> healths)
    {
        lock (_gate)
        {
            var changed = _reports.TakeAppHealth(healths);
            foreach (var (id, health) in changed)
                _journal.AppHealth(id, health);
            if (changed.Count > 0)
                Announce(AgentChangeKind.AppHealth, change => change with { AppHealth = _reports.AppHealth });
        }
    }

    /// <summary>Keeps a stats window; a body without <c>connections_by_proto</c> only asks for the interval.</summary>
    internal void ReportStats(Stats stats)
    {
        if (stats.ConnectionsByProto is null)
            return;
        lock (_gate)
        {
            var now = _scheduler.Now;
            _journal.Stats(stats);
            _reports.TakeStats(stats, now);
            Announce(AgentChangeKind.Stats, change => change with { At = now, Stats = stats });
        }
    }

    /// <summary>Takes a resources report; the first one and each state change go to <see cref="Events"/>.</summary>
    internal void ReportResources(ResourcesReport report)
    {
        lock (_gate)
        {
            var now = _scheduler.Now;
            if (_resources.Take(report.Resources, now))
                _feed.Publish(new ResourcesChanged(now, _resources.Current));
        }
    }

    // Under the lock: the change goes to the peer replicas in the order it was taken.
    private void Announce(AgentChangeKind kind, Func<AgentChange, AgentChange> fill)
        => _changes.OnNext(fill(new AgentChange(Name, kind, _scheduler.Now)));
}
