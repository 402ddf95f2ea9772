using System.Reactive.Concurrency;
using Agent.Reactive.Effects;
using Agent.Reactive.Protocol;

namespace Agent.Specs.Fakes.ControlPlane;

/// <summary>
/// Base of the control-plane fakes that serve one endpoint: the derived fake overrides that endpoint; every
/// other call throws <see cref="NotSupportedException"/> with <paramref name="purpose"/>, so a pipeline that
/// strays to another endpoint fails its spec. <see cref="Elapsed"/> is the virtual clock calls are recorded with.
/// </summary>
public abstract class SingleEndpointControlPlane(IScheduler scheduler, string purpose) : IControlPlaneClient
{
    /// <summary>The clock the derived fake schedules answers on.</summary>
    protected IScheduler Scheduler => scheduler;

    /// <summary>The scheduler's time as an offset from its epoch (virtual time in specs).</summary>
    protected TimeSpan Elapsed => TimeSpan.FromTicks(scheduler.Now.UtcTicks);

    public virtual Task<string> ExchangeTokenAsync(CancellationToken cancellationToken) => throw Unused();

    public virtual Task<Manifest> GetManifestAsync(CancellationToken cancellationToken) => throw Unused();

    public virtual Task PostStartupAsync(StartupRequest request, CancellationToken cancellationToken) => throw Unused();

    public virtual Task PostLifecycleAsync(LifecycleReport report, CancellationToken cancellationToken) => throw Unused();

    public virtual Task PatchStartupLogsAsync(StartupLogsRequest request, CancellationToken cancellationToken) => throw Unused();

    public virtual Task PostMetadataAsync(string key, MetadataResult result, CancellationToken cancellationToken) => throw Unused();

    public virtual Task PostAppHealthAsync(AppHealthRequest request, CancellationToken cancellationToken) => throw Unused();

    public virtual Task<StatsResponse> PostStatsAsync(Stats stats, CancellationToken cancellationToken) => throw Unused();

    public virtual Task PatchLogsAsync(LogsRequest request, CancellationToken cancellationToken) => throw Unused();
    public virtual Task PostResourcesMonitoringAsync(ResourcesReport report, CancellationToken cancellationToken) => throw Unused();
    public virtual Task PostConnectionsAsync(ConnectionReportsRequest request, CancellationToken cancellationToken) => throw Unused();
    public virtual Task<RecordingStartResponse> StartRecordingAsync(RecordingStartRequest request, CancellationToken cancellationToken) => throw Unused();

    public virtual Task AppendRecordingAsync(string id, RecordingChunkRequest chunk, CancellationToken cancellationToken) => throw Unused();

    public virtual Task EndRecordingAsync(string id, RecordingEndRequest request, CancellationToken cancellationToken) => throw Unused();

    private NotSupportedException Unused() => new(purpose);
}
