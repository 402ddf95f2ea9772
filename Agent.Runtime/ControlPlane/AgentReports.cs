using System.Reactive.Concurrency;
using Agent.Reactive.Monitoring;
using Agent.Reactive.Protocol;

namespace Agent.Runtime.ControlPlane;

/// <summary>
/// What one agent reported, in memory: startup, lifecycle history, logs, metadata, app health and stats. Each thing
/// taken is published on the agent's feed. Not thread-safe: the agent's lock guards it.
/// </summary>
internal sealed class AgentReports
{
    private readonly AgentEventFeed _feed;
    private readonly IScheduler _scheduler;
    private readonly List<LifecycleReport> _lifecycle = [];
    private readonly Dictionary<string, MetadataResult> _metadata = new(StringComparer.Ordinal);
    private readonly Dictionary<string, MetadataDescription> _metadataItems;
    private readonly Dictionary<Guid, AppHealth> _health;

    public AgentReports(Manifest manifest, AgentEventFeed feed, IScheduler scheduler)
    {
        Manifest = manifest;
        _feed = feed;
        _scheduler = scheduler;
        _metadataItems = manifest.Metadata.ToDictionary(item => item.Key, StringComparer.Ordinal);
        _health = manifest.Apps.ToDictionary(app => app.Id, app => app.Health);
    }

    public Manifest Manifest { get; }

    public StartupRequest? Startup { get; private set; }

    /// <summary>The fingerprints of the startup report's SSH host keys, in their order.</summary>
    public IReadOnlyList<string> HostKeyFingerprints { get; private set; } = [];

    /// <summary>
    /// Server time the newest lifecycle report was taken (on this replica or the peer that took it), or <c>null</c>
    /// before the first; a report restored from the database counts from its own <c>changed_at</c>.
    /// </summary>
    public DateTimeOffset? LifecycleChangedAt { get; private set; }

    /// <summary>The last hour of stats, per minute (<c>null</c> until the first stats report).</summary>
    public StatsHistory? StatsHistory { get; private set; }

    public Stats? LastStats { get; private set; }

    public AgentLogs Logs { get; } = new();

    public IReadOnlyList<LifecycleReport> Lifecycle => _lifecycle;

    /// <summary>The apps' health now (a copy).</summary>
    public Dictionary<Guid, AppHealth> AppHealth => new(_health);

    /// <summary>Whether the manifest lists metadata key <paramref name="key"/>.</summary>
    public bool HasMetadataKey(string key) => _metadataItems.ContainsKey(key);

    /// <summary>The last result of <paramref name="key"/> with its age at <paramref name="now"/>, or <c>null</c>.</summary>
    public MetadataResult? ResultOf(string key, DateTimeOffset now)
        => _metadata.TryGetValue(key, out var result)
            ? result with { Age = (long)Math.Max(0, (now - result.CollectedAt).TotalSeconds) }
            : null;

    /// <summary>Whether <paramref name="report"/> is the newest lifecycle report taken (a retry, or a peer's echo).</summary>
    public bool IsNewestLifecycle(LifecycleReport report) => _lifecycle.Count > 0 && _lifecycle[^1] == report;

    public void TakeStartup(StartupRequest request)
    {
        Startup = request;
        HostKeyFingerprints = ControlPlane.HostKeyFingerprints.Of(request.SshHostKeys);
        _feed.Publish(new StartupReported(_scheduler.Now, request.Version, request.ExpandedDirectory, request.Subsystem));
    }

    /// <summary>Keeps a lifecycle report that a replica took from its agent at server time <paramref name="takenAt"/>.</summary>
    public void TakeLifecycle(LifecycleReport report, DateTimeOffset takenAt)
    {
        LifecycleChangedAt = takenAt;
        _lifecycle.Add(report);
        if (_lifecycle.Count > ControlPlaneAgent.MaxLifecycleReports)
            _lifecycle.RemoveAt(0);
        _feed.Publish(new LifecycleChanged(report.ChangedAt, report.State));
    }

    public void TakeLogs(string source, IReadOnlyList<StartupLog> logs)
    {
        Logs.Take(source, logs);
        foreach (var log in logs)
            _feed.Publish(Told(source, log));
    }

    /// <summary>Keeps the result of a key the manifest lists (others are dropped).</summary>
    public void TakeMetadata(string key, MetadataResult result)
    {
        if (!_metadataItems.TryGetValue(key, out var item))
            return;
        _metadata[key] = result;
        _feed.Publish(new MetadataCollected(result.CollectedAt, key, item.DisplayName, result));
    }

    /// <summary>Keeps the health of the manifest's apps that changed and publishes the whole map; returns what changed.</summary>
    public Dictionary<Guid, AppHealth> TakeAppHealth(IReadOnlyDictionary<Guid, AppHealth> healths)
    {
        var changed = new Dictionary<Guid, AppHealth>();
        foreach (var (id, health) in healths)
        {
            if (!_health.TryGetValue(id, out var previous) || previous == health)
                continue;
            _health[id] = health;
            changed[id] = health;
        }

        if (changed.Count > 0)
            _feed.Publish(new AppHealthChanged(_scheduler.Now, new Dictionary<Guid, AppHealth>(_health)));
        return changed;
    }

    /// <summary>
    /// Keeps a stats window; one a replica took from its agent at server time <paramref name="takenAt"/> also goes into
    /// that minute of the last hour (a window restored from the database, <c>null</c>, does not).
    /// </summary>
    public void TakeStats(Stats stats, DateTimeOffset? takenAt)
    {
        LastStats = stats;
        if (takenAt is { } at)
            (StatsHistory ??= new StatsHistory()).Add(at, stats);
        _feed.Publish(new StatsReported(_scheduler.Now, stats));
    }

    /// <summary>
    /// Replaces everything with what the database holds: at start, all of it is published (the logs' tail); later
    /// (<paramref name="atStart"/> false) only what is new here.
    /// </summary>
    public void Replace(
        StartupRequest? startup,
        IReadOnlyList<LifecycleReport> lifecycle,
        IReadOnlyList<StartupLog> startupLogs,
        IReadOnlyList<StartupLog> shutdownLogs,
        IReadOnlyDictionary<string, IReadOnlyList<StartupLog>> sourceLogs,
        bool logsOverflowed,
        IReadOnlyDictionary<string, MetadataResult> metadata,
        IReadOnlyDictionary<Guid, AppHealth> appHealth,
        Stats? lastStats,
        bool atStart)
    {
        if (startup is not null)
            TakeStartup(startup);
        var known = _lifecycle.ToHashSet();
        var kept = lifecycle.TakeLast(ControlPlaneAgent.MaxLifecycleReports).ToList();
        _lifecycle.Clear();
        _lifecycle.AddRange(kept);
        if (kept.Count > 0 && !known.Contains(kept[^1]))
            LifecycleChangedAt = kept[^1].ChangedAt;
        foreach (var report in kept.Where(report => !known.Contains(report)))
            _feed.Publish(new LifecycleChanged(report.ChangedAt, report.State));
        foreach (var (source, logs) in sourceLogs.Prepend(new(LogSources.Shutdown, shutdownLogs)).Prepend(new(LogSources.Startup, startupLogs)))
        {
            foreach (var log in Logs.Replace(source, logs).TakeLast(AgentEventFeed.LogTailLines))
                _feed.Publish(Told(source, log));
        }

        Logs.Overflowed |= logsOverflowed;

        // A value a peer sent may be newer than the database's until its flush: the newer one stays.
        foreach (var (key, result) in metadata.Where(pair => _metadata.GetValueOrDefault(pair.Key) is not { } known || known.CollectedAt < pair.Value.CollectedAt))
            TakeMetadata(key, result);
        var healthChanged = false;
        foreach (var (id, health) in appHealth.Where(pair => _health.ContainsKey(pair.Key)))
        {
            healthChanged |= _health[id] != health;
            _health[id] = health;
        }

        if (atStart ? appHealth.Count > 0 : healthChanged)
            _feed.Publish(new AppHealthChanged(_scheduler.Now, new Dictionary<Guid, AppHealth>(_health)));
        if (lastStats is not null && (atStart || lastStats != LastStats))
            TakeStats(lastStats, takenAt: null);
    }

    // A line as the agent told it: the old sources by name, the manifest's by display name and id.
    private LogLine Told(string source, StartupLog log)
        => Guid.TryParse(source, out var id)
            ? new LogLine(log.CreatedAt, Manifest.LogSources.FirstOrDefault(s => s.Id == id)?.DisplayName is { Length: > 0 } name ? name : source, log.Output, log.Level, source)
            : new LogLine(log.CreatedAt, source, log.Output, log.Level);
}
