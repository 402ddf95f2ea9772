using System.Globalization;

namespace Agent.Specs.Utilities;

/// <summary>
/// A cgroup v1 memory cgroup of a spec's own, made under the spec process's memory cgroup (as root; this machine and CI
/// mount cgroup v1 with a writable memory hierarchy). Removed on dispose once its processes are gone.
/// </summary>
public sealed class MemoryCgroup : IDisposable
{
    private const string Hierarchy = "/sys/fs/cgroup/memory";

    private MemoryCgroup(string path) => Path = path;

    /// <summary>The cgroup's directory.</summary>
    public string Path { get; }

    /// <summary>Whether this machine lets the spec make one (cgroup v1 memory hierarchy, writable).</summary>
    public static bool Available => Parent() is { } parent && Directory.Exists(parent) && Environment.UserName == "root";

    public long Usage => long.Parse(File.ReadAllText(System.IO.Path.Join(Path, "memory.usage_in_bytes")).Trim(), CultureInfo.InvariantCulture);

    public static MemoryCgroup Create()
    {
        var path = System.IO.Path.Join(Parent() ?? throw new InvalidOperationException("no cgroup v1 memory hierarchy"), "agent-spec-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(path);
        return new MemoryCgroup(path);
    }

    /// <summary>Sets <c>memory.limit_in_bytes</c>.</summary>
    public void Limit(long bytes) => File.WriteAllText(System.IO.Path.Join(Path, "memory.limit_in_bytes"), bytes.ToString(CultureInfo.InvariantCulture));

    /// <summary>A shell prefix that moves the shell into this cgroup, then execs the rest of the command line.</summary>
    public IReadOnlyList<string> Enter() => ["/bin/sh", "-c", $"echo $$ > {System.IO.Path.Join(Path, "cgroup.procs")} && exec \"$@\"", "sh"];

    public void Dispose()
    {
        try
        {
            Eventually.WaitAsync(
                () => File.ReadAllText(System.IO.Path.Join(Path, "cgroup.procs")).Trim().Length == 0,
                $"the processes in {Path} to end",
                TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();
            Directory.Delete(Path);
        }
        catch (Exception e) when (e is IOException or TimeoutException or UnauthorizedAccessException)
        {
            // A cgroup that cannot be removed yet is left for the next boot; it holds no process once its spec ended.
        }
    }

    private static string? Parent()
    {
        if (!File.Exists("/proc/self/cgroup"))
            return null;
        foreach (var line in File.ReadAllLines("/proc/self/cgroup"))
        {
            var parts = line.Split(':', 3);
            if (parts.Length == 3 && parts[1].Split(',').Contains("memory"))
                return Hierarchy + parts[2].TrimEnd('/');
        }

        return null;
    }
}
