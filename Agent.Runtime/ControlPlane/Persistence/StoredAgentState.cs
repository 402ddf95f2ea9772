using Agent.Reactive.Protocol;

namespace Agent.Runtime.ControlPlane.Persistence;

/// <summary>What the control plane keeps about one agent across restarts, as loaded at start.</summary>
/// <param name="Startup">The agent's last startup report, or <c>null</c> when it never reported one.</param>
/// <param name="Lifecycle">The lifecycle history, oldest first (the newest <see cref="ControlPlaneAgent.MaxLifecycleReports"/>).</param>
/// <param name="StartupLogs">The startup script's log lines, oldest first.</param>
/// <param name="ShutdownLogs">The shutdown script's log lines, oldest first.</param>
/// <param name="LogsOverflowed">Whether a batch of lines was refused for passing the per-agent limit.</param>
/// <param name="Metadata">The newest result per metadata key.</param>
/// <param name="AppHealth">The last health reported per app.</param>
/// <param name="LastStats">The last stats window, or <c>null</c>.</param>
/// <param name="LastSeenAt">When the agent last called this control plane, or <c>null</c> when it never did.</param>
public sealed record StoredAgentState(
    StartupRequest? Startup,
    IReadOnlyList<LifecycleReport> Lifecycle,
    IReadOnlyList<StartupLog> StartupLogs,
    IReadOnlyList<StartupLog> ShutdownLogs,
    bool LogsOverflowed,
    IReadOnlyDictionary<string, MetadataResult> Metadata,
    IReadOnlyDictionary<Guid, AppHealth> AppHealth,
    Stats? LastStats,
    DateTimeOffset? LastSeenAt)
{
    /// <summary>An agent the database has nothing about yet.</summary>
    public static StoredAgentState Empty { get; } = new(
        null,
        [],
        [],
        [],
        false,
        new Dictionary<string, MetadataResult>(StringComparer.Ordinal),
        new Dictionary<Guid, AppHealth>(),
        null,
        null);

    /// <summary>The lines of the manifest's log sources, oldest first, by log source id (<see cref="LogSources.KeyOf"/>).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<StartupLog>> SourceLogs { get; init; } = new Dictionary<string, IReadOnlyList<StartupLog>>(StringComparer.Ordinal);
}
