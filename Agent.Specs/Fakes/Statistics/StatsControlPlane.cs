using System.Reactive.Concurrency;
using Agent.Reactive.Ports;
using Agent.Reactive.Protocol;

namespace Agent.Specs.Fakes.Statistics;

/// <summary>A control plane that records stats posts; each is answered by <see cref="OnPost"/> (attempt number from 1).</summary>
public sealed class StatsControlPlane(IScheduler scheduler) : IControlPlaneClient
{
    public List<(Stats Stats, TimeSpan At)> Posts { get; } = [];

    public Func<Stats, int, Task<StatsResponse>> OnPost { get; set; }
        = (_, _) => Task.FromResult(new StatsResponse(TimeSpan.FromSeconds(10)));

    public Task<StatsResponse> PostStatsAsync(Stats stats, CancellationToken cancellationToken)
    {
        Posts.Add((stats, TimeSpan.FromTicks(scheduler.Now.UtcTicks)));
        return OnPost(stats, Posts.Count);
    }

    public Task<string> ExchangeTokenAsync(CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<Manifest> GetManifestAsync(CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task PostStartupAsync(StartupRequest request, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task PostLifecycleAsync(LifecycleReport report, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task PatchStartupLogsAsync(StartupLogsRequest request, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task PostMetadataAsync(string key, MetadataResult result, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task PostAppHealthAsync(AppHealthRequest request, CancellationToken cancellationToken) => throw new NotSupportedException();
}
