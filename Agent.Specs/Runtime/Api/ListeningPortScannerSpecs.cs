using Agent.Runtime.Api;
using Agent.Specs.Utilities;

namespace Agent.Specs.Runtime.Api;

/// <summary>The scanner over a fixture proc tree: tables, <c>PID/fd</c> socket links and <c>PID/comm</c>.</summary>
public sealed class ListeningPortScannerSpecs : IDisposable
{
    private const int OwnPid = 4242;
    private readonly TempDirectory _proc = new();

    public ListeningPortScannerSpecs()
    {
        Directory.CreateDirectory(_proc.Combine("net"));
        Directory.CreateDirectory(_proc.Combine("self"));
        File.WriteAllText(_proc.Combine("net", "tcp"), ProcNetTcpParserSpecs.Tcp);
        File.WriteAllText(_proc.Combine("net", "tcp6"), ProcNetTcpParserSpecs.Tcp6);
        Process(100, "mysqld", 41822);
        Process(200, "python3", 61234, 999999);
        Process(300, "node", 61235);
        Process(OwnPid, "agent", 52001, 61236);
        Process(500, "sleep");
    }

    [Fact]
    public void Scan_FixtureTree_ListsIpv4AndIpv6ListenersByPortWithProcessNames()
    {
        var ports = new ListeningPortScanner(_proc.Path, OwnPid).Scan();

        Assert.Equal(
            [
                new ListeningPort("mysqld", "tcp", 3306),
                new ListeningPort("python3", "tcp", 8000),
                new ListeningPort("node", "tcp", 9001),
            ],
            ports);
    }

    [Fact]
    public void Scan_OwnProcessListeners_AreLeftOut()
    {
        var asSomeoneElse = new ListeningPortScanner(_proc.Path, 1).Scan();
        var asTheAgent = new ListeningPortScanner(_proc.Path, OwnPid).Scan();

        Assert.Contains(new ListeningPort("agent", "tcp", 8080), asSomeoneElse);
        Assert.Contains(new ListeningPort("agent", "tcp", 8082), asSomeoneElse);
        Assert.DoesNotContain(asTheAgent, port => port.Port is 8080 or 8082);
    }

    [Fact]
    public void Scan_OwnListenerAlsoHeldByAChildWithALowerPid_IsLeftOut()
    {
        // Between fork and exec a child holds the agent's sockets too; once PIDs wrap around it can come first in /proc.
        Process(7, "agent", 52001, 61236);

        var ports = new ListeningPortScanner(_proc.Path, OwnPid).Scan();

        Assert.DoesNotContain(ports, port => port.Port is 8080 or 8082);
    }

    [Fact]
    public void Scan_PortsBelowNine_AreLeftOut()
    {
        Process(600, "echo-server", 17001);

        var ports = new ListeningPortScanner(_proc.Path, OwnPid).Scan();

        Assert.DoesNotContain(ports, port => port.Port == 7);
    }

    [Fact]
    public void Scan_SocketOfUnknownProcess_IsListedWithoutName()
    {
        Directory.Delete(_proc.Combine("300"), recursive: true);

        var ports = new ListeningPortScanner(_proc.Path, OwnPid).Scan();

        Assert.Contains(new ListeningPort(string.Empty, "tcp", 9001), ports);
    }

    [Fact]
    public void Scan_SamePortInBothTables_IsListedOnceWithTheKnownName()
    {
        File.AppendAllText(
            _proc.Combine("net", "tcp"),
            "   9: 00000000:1F40 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 77777 1 0000000000000000 100 0 0 10 0\n");

        var ports = new ListeningPortScanner(_proc.Path, OwnPid).Scan();

        Assert.Single(ports, port => port.Port == 8000);
        Assert.Contains(new ListeningPort("python3", "tcp", 8000), ports);
    }

    [Fact]
    public void Scan_NoTcp6Table_ReadsTcpAlone()
    {
        File.Delete(_proc.Combine("net", "tcp6"));

        var ports = new ListeningPortScanner(_proc.Path, OwnPid).Scan();

        Assert.Equal([new ListeningPort("mysqld", "tcp", 3306)], ports);
    }

    [Fact]
    public void Scan_NoTcpTable_Throws()
    {
        File.Delete(_proc.Combine("net", "tcp"));

        Assert.ThrowsAny<IOException>(() => new ListeningPortScanner(_proc.Path, OwnPid).Scan());
    }

    public void Dispose() => _proc.Dispose();

    /// <summary>A process directory with a comm file, a few non-socket descriptors and the given socket inodes.</summary>
    private void Process(int pid, string comm, params ulong[] socketInodes)
    {
        var fd = _proc.Combine(pid.ToString(System.Globalization.CultureInfo.InvariantCulture), "fd");
        Directory.CreateDirectory(fd);
        File.WriteAllText(_proc.Combine(pid.ToString(System.Globalization.CultureInfo.InvariantCulture), "comm"), comm + "\n");
        File.CreateSymbolicLink(Path.Join(fd, "0"), "/dev/null");
        File.CreateSymbolicLink(Path.Join(fd, "1"), "pipe:[12345]");
        for (var i = 0; i < socketInodes.Length; i++)
            File.CreateSymbolicLink(Path.Join(fd, (3 + i).ToString(System.Globalization.CultureInfo.InvariantCulture)), $"socket:[{socketInodes[i]}]");
    }
}
