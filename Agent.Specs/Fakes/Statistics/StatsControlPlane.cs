using System.Reactive.Concurrency;
using Agent.Reactive.Protocol;
using Agent.Specs.Fakes.ControlPlane;

namespace Agent.Specs.Fakes.Statistics;

/// <summary>A control plane that records stats posts; each is answered by <see cref="OnPost"/> (attempt number from 1).</summary>
public sealed class StatsControlPlane(IScheduler scheduler)
    : SingleEndpointControlPlane(scheduler, "stats specs only post stats")
{
    public List<(Stats Stats, TimeSpan At)> Posts { get; } = [];

    public Func<Stats, int, Task<StatsResponse>> OnPost { get; set; }
        = (_, _) => Task.FromResult(new StatsResponse(TimeSpan.FromSeconds(10)));

    public override Task<StatsResponse> PostStatsAsync(Stats stats, CancellationToken cancellationToken)
    {
        Posts.Add((stats, Elapsed));
        return OnPost(stats, Posts.Count);
    }
}
