using System.Diagnostics;
using System.Globalization;
using Agent.Runtime.Os.Resources;
using Agent.Specs.Utilities;

namespace Agent.Specs.Runtime.Os.Resources;

/// <summary>
/// The real sampler over fake <c>/proc</c> and <c>/sys/fs/cgroup</c> trees (cgroup v1, v2, none), over this machine's
/// real cgroup v1 memory controller (a child cgroup with a limit and a process in it), and over a real volume.
/// </summary>
public sealed class ResourceSamplerSpecs : IDisposable
{
    private const string MemInfo = "MemTotal:       16000000 kB\nMemFree:         1000000 kB\nMemAvailable:    4000000 kB\n";

    private readonly TempDirectory _tree = new();

    private string Proc => _tree.Combine("proc");

    private string Cgroup => _tree.Combine("cgroup");

    public void Dispose() => _tree.Dispose();

    [Fact]
    public void Memory_CgroupV1WithLimit_IsUsageMinusInactiveFileOfTheLimit()
    {
        Write("proc/self/cgroup", "5:devices:/\n4:memory:/workspace/one\n0::/\n");
        Write("cgroup/memory/workspace/one/memory.usage_in_bytes", "700000000\n");
        Write("cgroup/memory/workspace/one/memory.limit_in_bytes", "1000000000\n");
        Write("cgroup/memory/workspace/one/memory.stat", "cache 300000000\ntotal_inactive_file 200000000\nhierarchical_memory_limit 9223372036854771712\n");

        var usage = Sampler().Memory();

        Assert.Equal(500_000_000, usage.Used);
        Assert.Equal(1_000_000_000, usage.Total);
    }

    [Fact]
    public void Memory_CgroupV1UnlimitedUnderALimitedParent_UsesTheHierarchicalLimit()
    {
        Write("proc/self/cgroup", "4:memory:/a\n");
        Write("cgroup/memory/a/memory.usage_in_bytes", "100\n");
        Write("cgroup/memory/a/memory.limit_in_bytes", "9223372036854771712\n");
        Write("cgroup/memory/a/memory.stat", "total_inactive_file 0\nhierarchical_memory_limit 400\n");

        Assert.Equal((100L, 400L), (Sampler().Memory().Used, Sampler().Memory().Total));
    }

    [Fact]
    public void Memory_CgroupV2WithMax_IsCurrentMinusInactiveFileOfMax()
    {
        Write("proc/self/cgroup", "0::/user.slice/ws\n");
        Write("cgroup/user.slice/ws/memory.current", "300\n");
        Write("cgroup/user.slice/ws/memory.max", "1000\n");
        Write("cgroup/user.slice/ws/memory.stat", "anon 200\nfile 100\ninactive_file 50\n");

        var usage = Sampler().Memory();

        Assert.Equal((250L, 1000L), (usage.Used, usage.Total));
    }

    [Fact]
    public void Memory_ContainerCgroupNamespace_ReadsTheMountRoot()
    {
        Write("proc/self/cgroup", "0::/\n");
        Write("cgroup/memory.current", "10\n");
        Write("cgroup/memory.max", "40\n");

        Assert.Equal((10L, 40L), (Sampler().Memory().Used, Sampler().Memory().Total));
    }

    [Theory]
    [InlineData("0::/ws\n", "ws/memory.max", "max\n")]
    [InlineData("4:memory:/ws\n", "memory/ws/memory.limit_in_bytes", "9223372036854771712\n")]
    [InlineData("", "unused", "")]
    public void Memory_NoCgroupLimit_IsTheMachinesFromMeminfo(string cgroup, string limitFile, string limit)
    {
        Write("proc/self/cgroup", cgroup);
        Write("cgroup/" + limitFile, limit);
        Write("cgroup/ws/memory.current", "1\n");
        Write("cgroup/memory/ws/memory.usage_in_bytes", "1\n");
        Write("proc/meminfo", MemInfo);

        var usage = Sampler().Memory();

        Assert.Equal((12_000_000L * 1024, 16_000_000L * 1024), (usage.Used, usage.Total));
    }

    [Fact]
    public void Memory_NothingReadable_ThrowsIOException()
    {
        Directory.CreateDirectory(Proc);

        Assert.ThrowsAny<IOException>(() => Sampler().Memory());
    }

    [Fact]
    public void Memory_GarbageInTheLimit_ThrowsIOException()
    {
        Write("proc/self/cgroup", "0::/ws\n");
        Write("cgroup/ws/memory.max", "lots\n");

        Assert.Throws<IOException>(() => Sampler().Memory());
    }

    [Fact]
    public void Volume_RealFileSystem_MatchesDf()
    {
        var usage = new ResourceSampler().Volume(_tree.Path);
        var df = Process.Start(new ProcessStartInfo("df", ["-B1", "--output=size,used", _tree.Path]) { RedirectStandardOutput = true })!;
        var line = df.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        df.WaitForExit();

        Assert.Equal(long.Parse(line[0], CultureInfo.InvariantCulture), usage.Total);
        Assert.InRange(usage.Used, long.Parse(line[1], CultureInfo.InvariantCulture) - (64L << 20), long.Parse(line[1], CultureInfo.InvariantCulture) + (64L << 20));
    }

    [Fact]
    public void Volume_MissingPath_ThrowsIOExceptionNamingIt()
    {
        var error = Assert.Throws<IOException>(() => new ResourceSampler().Volume(_tree.Combine("missing")));

        Assert.Contains("missing", error.Message, StringComparison.Ordinal);
    }

    /// <summary>This machine's cgroup v1: a child cgroup limited to 64 MiB with a real process in it that holds 16 MiB.</summary>
    [Fact]
    public async Task Memory_RealCgroupV1_ReadsTheLimitAndTheProcessesUsage()
    {
        using var cgroup = MemoryCgroup.Create();
        cgroup.Limit(64L << 20);
        using var holder = Process.Start(new ProcessStartInfo(
            "/bin/sh",
            [.. cgroup.Enter().Skip(1), "/usr/bin/python3", "-c", "import sys; b = bytearray(16 << 20); b[::4096] = b'x' * (len(b) // 4096); print('held', flush=True); sys.stdin.read()"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
        })!;
        try
        {
            Assert.Equal("held", await holder.StandardOutput.ReadLineAsync());

            var usage = new ResourceSampler("/proc", "/sys/fs/cgroup", holder.Id.ToString(CultureInfo.InvariantCulture)).Memory();

            Assert.Equal(64L << 20, usage.Total);
            Assert.InRange(usage.Used, 16L << 20, 48L << 20);
        }
        finally
        {
            holder.StandardInput.Close();
            await holder.WaitForExitAsync();
        }
    }

    private ResourceSampler Sampler() => new(Proc, Cgroup, "self");

    private void Write(string relative, string text)
    {
        var path = _tree.Combine(relative.Split('/'));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }
}
