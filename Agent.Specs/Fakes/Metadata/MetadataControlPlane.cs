using System.Reactive.Concurrency;
using Agent.Reactive.Protocol;
using Agent.Specs.Fakes.ControlPlane;

namespace Agent.Specs.Fakes.Metadata;

/// <summary>A control plane that records metadata posts; each post is answered by <see cref="OnPost"/>.</summary>
public sealed class MetadataControlPlane(IScheduler scheduler)
    : SingleEndpointControlPlane(scheduler, "metadata specs only post metadata")
{
    public List<(string Key, MetadataResult Result, TimeSpan At)> Posts { get; } = [];

    /// <summary>Answers a post; completed by default.</summary>
    public Func<string, MetadataResult, Task> OnPost { get; set; } = (_, _) => Task.CompletedTask;

    public override Task PostMetadataAsync(string key, MetadataResult result, CancellationToken cancellationToken)
    {
        Posts.Add((key, result, Elapsed));
        return OnPost(key, result);
    }
}
