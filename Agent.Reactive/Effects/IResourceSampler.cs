namespace Agent.Reactive.Effects;

/// <summary>Reads how much memory and disk the workspace uses; each call throws <see cref="IOException"/> when it cannot tell.</summary>
public interface IResourceSampler
{
    /// <summary>The workspace's memory: its cgroup's usage and limit, else the machine's.</summary>
    ResourceUsage Memory();

    /// <summary>The file system that holds <paramref name="path"/>.</summary>
    ResourceUsage Volume(string path);
}
