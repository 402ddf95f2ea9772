using System.Reactive.Concurrency;
using Agent.Reactive.Ports;
using Agent.Reactive.Protocol;

namespace Agent.Specs.Fakes.Apps;

/// <summary>A control plane that records app-health posts; each is answered by <see cref="OnPost"/>.</summary>
public sealed class AppHealthControlPlane(IScheduler scheduler) : IControlPlaneClient
{
    public List<(Dictionary<Guid, AppHealth> Healths, TimeSpan At)> Posts { get; } = [];

    public Func<AppHealthRequest, CancellationToken, Task> OnPost { get; set; } = (_, _) => Task.CompletedTask;

    public Task PostAppHealthAsync(AppHealthRequest request, CancellationToken cancellationToken)
    {
        Posts.Add((request.Healths.ToDictionary(), TimeSpan.FromTicks(scheduler.Now.UtcTicks)));
        return OnPost(request, cancellationToken);
    }

    public Task<string> ExchangeTokenAsync(CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<Manifest> GetManifestAsync(CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task PostStartupAsync(StartupRequest request, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task PostLifecycleAsync(LifecycleReport report, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task PatchStartupLogsAsync(StartupLogsRequest request, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task PostMetadataAsync(string key, MetadataResult result, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<StatsResponse> PostStatsAsync(Stats stats, CancellationToken cancellationToken) => throw new NotSupportedException();
}
