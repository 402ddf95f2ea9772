using System.Reactive.Concurrency;
using Agent.Reactive.Protocol;
using Agent.Specs.Fakes.ControlPlane;

namespace Agent.Specs.Fakes.Resources;

/// <summary>A control plane that records resource reports; each is answered by <see cref="OnPost"/>.</summary>
public sealed class ResourcesControlPlane(IScheduler scheduler)
    : SingleEndpointControlPlane(scheduler, "resource specs only post resource reports")
{
    public List<(ResourcesReport Report, TimeSpan At)> Posts { get; } = [];

    public Func<ResourcesReport, Task> OnPost { get; set; } = _ => Task.CompletedTask;

    public override Task PostResourcesMonitoringAsync(ResourcesReport report, CancellationToken cancellationToken)
    {
        Posts.Add((report, Elapsed));
        return OnPost(report);
    }
}
