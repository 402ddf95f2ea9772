using System.Reactive.Concurrency;
using Agent.Reactive.Protocol;
using Agent.Specs.Fakes.ControlPlane;

namespace Agent.Specs.Fakes.Apps;

/// <summary>A control plane that records app-health posts; each is answered by <see cref="OnPost"/>.</summary>
public sealed class AppHealthControlPlane(IScheduler scheduler)
    : SingleEndpointControlPlane(scheduler, "app-health specs only post app health")
{
    public List<(Dictionary<Guid, AppHealth> Healths, TimeSpan At)> Posts { get; } = [];

    public Func<AppHealthRequest, CancellationToken, Task> OnPost { get; set; } = (_, _) => Task.CompletedTask;

    public override Task PostAppHealthAsync(AppHealthRequest request, CancellationToken cancellationToken)
    {
        Posts.Add((request.Healths.ToDictionary(), Elapsed));
        return OnPost(request, cancellationToken);
    }
}
