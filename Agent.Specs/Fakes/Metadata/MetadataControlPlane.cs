using Agent.Reactive.Ports;
using Agent.Reactive.Protocol;
using System.Reactive.Concurrency;

namespace Agent.Specs.Fakes.Metadata;

/// <summary>A control plane that records metadata posts; each post is answered by <see cref="OnPost"/>.</summary>
public sealed class MetadataControlPlane(IScheduler scheduler) : IControlPlaneClient
{
    public List<(string Key, MetadataResult Result, TimeSpan At)> Posts { get; } = [];

    /// <summary>Answers a post; completed by default.</summary>
    public Func<string, MetadataResult, Task> OnPost { get; set; } = (_, _) => Task.CompletedTask;

    public Task PostMetadataAsync(string key, MetadataResult result, CancellationToken cancellationToken)
    {
        Posts.Add((key, result, TimeSpan.FromTicks(scheduler.Now.UtcTicks)));
        return OnPost(key, result);
    }

    public Task<string> ExchangeTokenAsync(CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<Manifest> GetManifestAsync(CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task PostStartupAsync(StartupRequest request, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task PostLifecycleAsync(LifecycleReport report, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task PatchStartupLogsAsync(StartupLogsRequest request, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task PostAppHealthAsync(AppHealthRequest request, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<StatsResponse> PostStatsAsync(Stats stats, CancellationToken cancellationToken) => throw new NotSupportedException();
}
