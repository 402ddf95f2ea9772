using System.Diagnostics;
using Agent.Specs.Utilities;

namespace Agent.Specs.Integration.Discovery;

/// <summary>
/// A small LAN for discovery specs: two network namespaces (the agent's and a client's) joined by a veth pair, each
/// end with an address of a random 10.x.y.0/24, multicast on, loopback up. Needs root (CI runs as root) and iproute2.
/// Disposing deletes both namespaces (and with them the veth pair), on failure too.
/// </summary>
public sealed class LanNamespaces : IAsyncLifetime
{
    private readonly string _prefix = "agd" + Convert.ToHexStringLower(Guid.NewGuid().ToByteArray())[..8];
    private readonly string _subnet = $"10.{Random.Shared.Next(100, 250)}.{Random.Shared.Next(0, 256)}";

    public string AgentNamespace => _prefix + "a";

    public string ClientNamespace => _prefix + "b";

    public string AgentInterface => _prefix + "x";

    public string ClientInterface => _prefix + "y";

    public string AgentAddress => _subnet + ".1";

    public string ClientAddress => _subnet + ".2";

    public async Task InitializeAsync()
    {
        Assert.True(Environment.UserName == "root", "the LAN discovery specs create network namespaces: run them as root (CI does)");
        await IpAsync("netns", "add", AgentNamespace);
        await IpAsync("netns", "add", ClientNamespace);
        await IpAsync("link", "add", AgentInterface, "netns", AgentNamespace, "type", "veth", "peer", "name", ClientInterface, "netns", ClientNamespace);
        foreach (var (ns, device, address) in new[] { (AgentNamespace, AgentInterface, AgentAddress), (ClientNamespace, ClientInterface, ClientAddress) })
        {
            await IpAsync("-n", ns, "addr", "add", address + "/24", "dev", device);
            await IpAsync("-n", ns, "link", "set", device, "multicast", "on", "up");
            await IpAsync("-n", ns, "link", "set", "lo", "up");
        }
    }

    public async Task DisposeAsync()
    {
        await ProcessRunner.RunAsync("ip", ["netns", "del", AgentNamespace]);
        await ProcessRunner.RunAsync("ip", ["netns", "del", ClientNamespace]);
    }

    /// <summary>Makes <paramref name="info"/> start inside <paramref name="ns"/> (<c>ip netns exec</c> execs the program: same process).</summary>
    public static ProcessStartInfo Enter(ProcessStartInfo info, string ns)
    {
        ArgumentNullException.ThrowIfNull(info);
        var arguments = info.ArgumentList.ToList();
        info.ArgumentList.Clear();
        foreach (var argument in (string[])["netns", "exec", ns, info.FileName, .. arguments])
            info.ArgumentList.Add(argument);
        info.FileName = "ip";
        return info;
    }

    /// <summary>Runs <paramref name="program"/> to completion in the client's namespace.</summary>
    public Task<ProcessRunner.Result> RunInClientAsync(string program, IEnumerable<string> arguments, IDictionary<string, string>? environment = null, TimeSpan? timeout = null)
        => ProcessRunner.RunAsync("ip", ["netns", "exec", ClientNamespace, program, .. arguments], timeout: timeout ?? TimeSpan.FromSeconds(30), environment: environment);

    /// <summary>Starts <paramref name="program"/> in the client's namespace, output kept, killed with the spec.</summary>
    public RunningProcess StartInClient(string name, string program, IEnumerable<string> arguments, IDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var argument in (string[])["netns", "exec", ClientNamespace, program, .. arguments])
            info.ArgumentList.Add(argument);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
            info.Environment[key] = value;
        return RunningProcess.Start(info, name);
    }

    private static async Task IpAsync(params string[] arguments)
    {
        var result = await ProcessRunner.RunAsync("ip", arguments);
        Assert.True(result.ExitCode == 0, $"ip {string.Join(' ', arguments)}: {result.Error}");
    }
}
