using Agent.Reactive.Protocol;
using Agent.Runtime.ControlPlane.Replicas;

namespace Agent.Runtime.ControlPlane.Persistence;

/// <summary>
/// The control plane's state in a database (SQLite or PostgreSQL), per agent by name. A completed write is durable (on PostgreSQL the
/// coalesced kinds, metadata, app health, stats and last seen, commit without waiting for the disk: the database server's
/// crash may lose their last moment, as the control plane's loses what waits for a flush):
/// the control plane acknowledges a report only after its write completed. Writes of one agent never run concurrently
/// (the caller serialises them); different agents' writes may. Each call is one transaction: a call that fails throws
/// <see cref="ControlPlaneDatabaseException"/> (an <see cref="IOException"/>) naming the database, never with its
/// password, and the agent, and wrote nothing. Open one with <see cref="ControlPlaneDatabases.OpenAsync(DatabaseUrl, Microsoft.Extensions.Logging.ILoggerFactory, CancellationToken)"/>.
/// </summary>
public interface IControlPlaneDatabase : IAsyncDisposable
{
    /// <summary>The replicas sharing this database, and where each agent's relay is.</summary>
    IReplicaStore Replicas { get; }

    /// <summary>The dashboard's sign-ins.</summary>
    IBrowserSessionStore BrowserSessions { get; }

    /// <summary>The agents' connection reports (audit).</summary>
    IConnectionStore Connections { get; }

    /// <summary>The agents' session recordings (schema v5).</summary>
    IRecordingStore Recordings { get; }

    /// <summary>The channel on which replicas of this database tell each other what their agents report; <c>null</c> on SQLite (one process).</summary>
    IReplicaChannel? Channel { get; }

    /// <summary>
    /// Loads the workspace file: its agents are added (or undeleted), agents no longer in it are kept as history and
    /// marked deleted; agent and user tokens are stored as SHA-256 digests, never in clear text.
    /// </summary>
    Task SyncWorkspaceAsync(WorkspaceDefinition workspace, CancellationToken cancellationToken);

    /// <summary>Everything stored about the agent, or <see cref="StoredAgentState.Empty"/>.</summary>
    Task<StoredAgentState> LoadAgentAsync(string agent, CancellationToken cancellationToken);

    /// <summary>Replaces the agent's startup report.</summary>
    Task SaveStartupAsync(string agent, StartupRequest request, CancellationToken cancellationToken);

    /// <summary>Appends a lifecycle report; only the newest <see cref="ControlPlaneAgent.MaxLifecycleReports"/> are kept.</summary>
    Task AppendLifecycleAsync(string agent, LifecycleReport report, CancellationToken cancellationToken);

    /// <summary>Appends log lines of <paramref name="source"/> (<see cref="LogSources"/>), in order, all or none.</summary>
    Task AppendLogsAsync(string agent, string source, IReadOnlyList<StartupLog> logs, CancellationToken cancellationToken);

    /// <summary>Records that a batch of the agent's log lines was refused for passing the limit.</summary>
    Task MarkLogsOverflowedAsync(string agent, CancellationToken cancellationToken);

    /// <summary>Upserts the newest result of each key given.</summary>
    Task SaveMetadataAsync(string agent, IReadOnlyDictionary<string, MetadataResult> newest, CancellationToken cancellationToken);

    /// <summary>Upserts the health of each app given.</summary>
    Task SaveAppHealthAsync(string agent, IReadOnlyDictionary<Guid, AppHealth> health, CancellationToken cancellationToken);

    /// <summary>Replaces the agent's last stats window.</summary>
    Task SaveStatsAsync(string agent, Stats stats, CancellationToken cancellationToken);

    /// <summary>Records when the agent last called this control plane.</summary>
    Task SaveLastSeenAsync(string agent, DateTimeOffset lastSeenAt, CancellationToken cancellationToken);
}
