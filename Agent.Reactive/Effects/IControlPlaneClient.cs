using Agent.Reactive.Protocol;

namespace Agent.Reactive.Effects;

/// <summary>
/// The agent side of the control-plane API (Coder's agent REST API of mid-2023). Every call either
/// completes or throws; a refusal by the server is a <see cref="ControlPlaneException"/> carrying the
/// HTTP status, so pipelines can tell "413, drop the batch" from "retry later".
/// </summary>
public interface IControlPlaneClient
{
    /// <summary>Exchanges the configured credentials for the session token used by every other call.</summary>
    Task<string> ExchangeTokenAsync(CancellationToken cancellationToken);

    Task<Manifest> GetManifestAsync(CancellationToken cancellationToken);

    Task PostStartupAsync(StartupRequest request, CancellationToken cancellationToken);

    Task PostLifecycleAsync(LifecycleReport report, CancellationToken cancellationToken);

    Task PatchStartupLogsAsync(StartupLogsRequest request, CancellationToken cancellationToken);

    Task PostMetadataAsync(string key, MetadataResult result, CancellationToken cancellationToken);

    Task PostAppHealthAsync(AppHealthRequest request, CancellationToken cancellationToken);

    Task<StatsResponse> PostStatsAsync(Stats stats, CancellationToken cancellationToken);

    /// <summary>
    /// <c>PATCH me/logs</c>: lines of one of the manifest's log sources. An old control plane answers 404; the
    /// caller then falls back to <see cref="PatchStartupLogsAsync"/>.
    /// </summary>
    Task PatchLogsAsync(LogsRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// <c>POST me/resources-monitoring</c>: the watched resources' usage and state (issue 14, the agent survives its
    /// workspace). An older control plane answers 404.
    /// </summary>
    Task PostResourcesMonitoringAsync(ResourcesReport report, CancellationToken cancellationToken);

    /// <summary>Connection reports (<c>POST me/connections</c>); an old control plane answers 404.</summary>
    Task PostConnectionsAsync(ConnectionReportsRequest request, CancellationToken cancellationToken);

    /// <summary>Begins a session recording (<c>POST me/recordings</c>); an old control plane answers 404.</summary>
    Task<RecordingStartResponse> StartRecordingAsync(RecordingStartRequest request, CancellationToken cancellationToken);

    /// <summary>Appends lines to recording <paramref name="id"/> (<c>POST me/recordings/{id}/chunks</c>); 413 once it is full.</summary>
    Task AppendRecordingAsync(string id, RecordingChunkRequest chunk, CancellationToken cancellationToken);

    /// <summary>Ends recording <paramref name="id"/> (<c>POST me/recordings/{id}/end</c>).</summary>
    Task EndRecordingAsync(string id, RecordingEndRequest request, CancellationToken cancellationToken);
}
