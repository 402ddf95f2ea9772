using Agent.Reactive.Effects;

namespace Agent.Runtime.Os.Resources;

/// <summary>
/// The workspace's memory and volumes: memory as the process's cgroup counts it when the cgroup sets a limit
/// (<see cref="CgroupMemory"/>), else the machine's (<see cref="MemInfo"/>); a volume by <c>statvfs</c>
/// (<see cref="VolumeUsage"/>). The roots of <c>/proc</c> and <c>/sys/fs/cgroup</c> and the process (<c>self</c>) can be
/// given, so a fake tree or another process can be read.
/// </summary>
public sealed class ResourceSampler : IResourceSampler
{
    private readonly string _procRoot;
    private readonly string _cgroupRoot;
    private readonly string _process;

    public ResourceSampler()
        : this("/proc", "/sys/fs/cgroup", "self")
    {
    }

    public ResourceSampler(string procRoot, string cgroupRoot, string process)
    {
        ArgumentException.ThrowIfNullOrEmpty(procRoot);
        ArgumentException.ThrowIfNullOrEmpty(cgroupRoot);
        ArgumentException.ThrowIfNullOrEmpty(process);
        _procRoot = procRoot;
        _cgroupRoot = cgroupRoot;
        _process = process;
    }

    public ResourceUsage Memory()
    {
        try
        {
            return CgroupMemory.Read(_procRoot, _cgroupRoot, _process) ?? MemInfo.Read(_procRoot);
        }
        catch (FormatException e)
        {
            throw new IOException("unreadable memory figures: " + e.Message, e);
        }
        catch (OverflowException e)
        {
            throw new IOException("unreadable memory figures: " + e.Message, e);
        }
    }

    public ResourceUsage Volume(string path) => VolumeUsage.Of(path);
}
