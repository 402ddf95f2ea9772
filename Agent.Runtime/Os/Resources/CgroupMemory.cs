using System.Globalization;
using Agent.Reactive.Effects;

namespace Agent.Runtime.Os.Resources;

/// <summary>
/// A process's memory as its cgroup counts it, or null when the cgroup sets no limit. The "working set", as the kubelet
/// and <c>docker stats</c> count it: usage minus the inactive file cache the kernel reclaims before it kills anything.
/// cgroup v1 (the <c>memory</c> controller's line in <c>/proc/PID/cgroup</c>): <c>memory.usage_in_bytes</c> minus
/// <c>total_inactive_file</c>, of the lower of <c>memory.limit_in_bytes</c> and <c>hierarchical_memory_limit</c>.
/// cgroup v2 (the <c>0::</c> line): <c>memory.current</c> minus <c>inactive_file</c>, of <c>memory.max</c>. A cgroup
/// path that is not under the mount (a container's own cgroup namespace shows <c>/</c>) is read at the mount's root.
/// </summary>
internal static class CgroupMemory
{
    /// <summary>Limits at or above this (v1 shows 2^63 − 4096 for none) mean no limit.</summary>
    private const long Unlimited = 1L << 60;

    public static ResourceUsage? Read(string procRoot, string cgroupRoot, string process)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(Path.Join(procRoot, process, "cgroup"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        string? unified = null;
        foreach (var line in lines)
        {
            var parts = line.Split(':', 3);
            if (parts.Length != 3)
                continue;
            if (parts[1].Split(',').Contains("memory"))
                return Version1(Directories(Path.Join(cgroupRoot, "memory"), parts[2]));
            if (parts[0] == "0" && parts[1].Length == 0)
                unified = parts[2];
        }

        return unified is null ? null : Version2(Directories(cgroupRoot, unified));
    }

    private static IEnumerable<string> Directories(string mount, string path) => [Path.Join(mount, path.TrimStart('/')), mount];

    private static ResourceUsage? Version1(IEnumerable<string> directories)
    {
        foreach (var directory in directories)
        {
            var usageFile = Path.Join(directory, "memory.usage_in_bytes");
            if (!File.Exists(usageFile))
                continue;
            var stat = Stat(directory);
            var limit = Math.Min(Number(Path.Join(directory, "memory.limit_in_bytes")), stat.GetValueOrDefault("hierarchical_memory_limit", long.MaxValue));
            if (limit >= Unlimited)
                return null;
            var used = Number(usageFile) - stat.GetValueOrDefault("total_inactive_file", stat.GetValueOrDefault("inactive_file"));
            return new ResourceUsage(Math.Max(used, 0), limit);
        }

        return null;
    }

    private static ResourceUsage? Version2(IEnumerable<string> directories)
    {
        foreach (var directory in directories)
        {
            var maxFile = Path.Join(directory, "memory.max");
            if (!File.Exists(maxFile))
                continue;
            var max = File.ReadAllText(maxFile).Trim();
            if (max == "max")
                return null;
            var limit = long.Parse(max, CultureInfo.InvariantCulture);
            if (limit >= Unlimited)
                return null;
            var used = Number(Path.Join(directory, "memory.current")) - Stat(directory).GetValueOrDefault("inactive_file");
            return new ResourceUsage(Math.Max(used, 0), limit);
        }

        return null;
    }

    private static long Number(string file) => long.Parse(File.ReadAllText(file).Trim(), CultureInfo.InvariantCulture);

    private static Dictionary<string, long> Stat(string directory)
    {
        var values = new Dictionary<string, long>(StringComparer.Ordinal);
        var file = Path.Join(directory, "memory.stat");
        if (!File.Exists(file))
            return values;
        foreach (var line in File.ReadLines(file))
        {
            var parts = line.Split(' ', 2);
            if (parts.Length == 2 && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var value))
                values[parts[0]] = value;
        }

        return values;
    }
}
