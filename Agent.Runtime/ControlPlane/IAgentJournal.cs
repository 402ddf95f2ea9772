using Agent.Reactive.Protocol;

namespace Agent.Runtime.ControlPlane;

/// <summary>
/// Where one agent's reports are kept beyond memory (the control plane's database). The reports the agent is
/// acknowledged for (startup, lifecycle, logs) complete only once kept; a failure throws
/// <see cref="AgentJournalException"/>. The rest (metadata, app health, stats, last seen) are coalesced: the newest
/// per key is written on a short interval. Calls of one agent come one at a time for the durable writes; the
/// coalesced ones may come from any thread. Disposing writes what is pending.
/// </summary>
public interface IAgentJournal : IAsyncDisposable
{
    /// <summary>Where the agent's session recordings are kept (calls name the agent).</summary>
    IRecordingStore Recordings { get; }

    /// <summary>Keeps the agent's startup report in place of the previous one.</summary>
    Task RecordStartupAsync(StartupRequest request, CancellationToken cancellationToken);

    /// <summary>Keeps one more lifecycle report.</summary>
    Task RecordLifecycleAsync(LifecycleReport report, CancellationToken cancellationToken);

    /// <summary>Keeps a batch of log lines of <paramref name="source"/>, all or none.</summary>
    Task RecordLogsAsync(string source, IReadOnlyList<StartupLog> logs, CancellationToken cancellationToken);

    /// <summary>Keeps that a batch of lines was refused for passing the limit.</summary>
    Task RecordLogsOverflowedAsync(CancellationToken cancellationToken);

    /// <summary>The newest result of a metadata key; written with the next flush.</summary>
    void Metadata(string key, MetadataResult result);

    /// <summary>The newest health of an app; written with the next flush.</summary>
    void AppHealth(Guid app, AppHealth health);

    /// <summary>The newest stats window; written with the next flush.</summary>
    void Stats(Stats stats);

    /// <summary>When the agent last called; written with the next flush.</summary>
    void Seen(DateTimeOffset at);

    /// <summary>Keeps a batch of connection reports, all or none.</summary>
    Task RecordConnectionsAsync(IReadOnlyList<ConnectionReport> reports, CancellationToken cancellationToken);

    /// <summary>The newest <paramref name="limit"/> connections, newest first; a failure throws <see cref="AgentJournalException"/>.</summary>
    Task<IReadOnlyList<ConnectionRecord>> ConnectionsAsync(int limit, CancellationToken cancellationToken);
}
