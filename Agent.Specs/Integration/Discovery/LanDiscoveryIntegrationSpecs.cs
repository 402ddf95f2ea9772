using System.Text.Json;
using Agent.Specs.Utilities;

namespace Agent.Specs.Integration.Discovery;

/// <summary>
/// <c>agent run --discovery</c> in its own network namespace, seen from another one across a veth pair by real peers:
/// Debian's <c>gssdp-discover</c> (SSDP alive, M-SEARCH answers, byebye), <c>avahi-browse</c> through a private
/// avahi-daemon (DNS-SD <c>_ssh._tcp</c>, resolved, and its goodbye), and <c>agent discover</c> whose
/// <c>--known-hosts-file</c> lets OpenSSH connect with <c>StrictHostKeyChecking=yes</c>.
/// </summary>
public sealed class LanDiscoveryIntegrationSpecs : IAsyncLifetime
{
    private const int SshPort = 2222;

    private readonly LanNamespaces _lan = new();
    private readonly IntegrationHarness _harness = new();

    public Task InitializeAsync() => _lan.InitializeAsync();

    public async Task DisposeAsync()
    {
        await _harness.DisposeAsync();
        await _lan.DisposeAsync();
    }

    [Fact]
    public async Task GssdpDiscover_AgentRunWithDiscovery_SeesItsAnswersAndItsByeBye()
    {
        var agent = await StartAgentAsync();

        // All message types: the answers to its M-SEARCH prove it listens; then the agent stops and says byebye.
        using var gssdp = _lan.StartInClient("gssdp-discover", "stdbuf", ["-oL", "gssdp-discover", "-i", _lan.ClientInterface, "-t", "urn:agent-workspace:device:WorkspaceAgent:1", "-m", "all", "-n", "120"]);
        await gssdp.WaitForOutputAsync("resource available");
        await gssdp.WaitForOutputAsync($"Location: http://{_lan.AgentAddress}:");
        Assert.Contains("USN:      uuid:", gssdp.Output, StringComparison.Ordinal);

        // gssdp-discover also calls everything unavailable when it exits: it runs far longer than this wait.
        agent.Signal("TERM");
        await gssdp.WaitForOutputAsync("resource unavailable", TimeSpan.FromSeconds(20));
        Assert.False(gssdp.HasExited);
        Assert.Equal(0, await agent.WaitForExitAsync());
        Assert.Contains("SSDP byebye and mDNS goodbye sent for main", agent.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AvahiBrowse_AgentRunWithDiscovery_ResolvesItsSshServiceWithFingerprintsThenSeesTheGoodbye()
    {
        await using var avahi = await PrivateAvahi.StartAsync(_lan);
        var agent = await StartAgentAsync();
        var ed25519 = (await HostKeyLinesAsync()).Single(line => line.StartsWith("ssh-ed25519 ", StringComparison.Ordinal));

        var resolved = await Eventually.WaitAsync(
            async () => (await _lan.RunInClientAsync("avahi-browse", ["-rtp", "_ssh._tcp"], avahi.Environment)).Text,
            text => text!.Contains($";IPv4;main;SSH Remote Terminal;local;agent-main-", StringComparison.Ordinal),
            "avahi-browse to resolve the agent's _ssh._tcp service");

        var line = resolved.Split('\n').Single(line => line.StartsWith("=;", StringComparison.Ordinal) && line.Contains(";main;", StringComparison.Ordinal));
        Assert.Contains($";{_lan.AgentAddress};{SshPort};", line, StringComparison.Ordinal);
        Assert.Contains("\"fp-ssh-ed25519=" + await FingerprintAsync(ed25519) + "\"", line, StringComparison.Ordinal);
        Assert.Contains($"\"description=http://{_lan.AgentAddress}:", line, StringComparison.Ordinal);

        agent.Signal("TERM");
        Assert.Equal(0, await agent.WaitForExitAsync());
        await Eventually.WaitAsync(
            async () => (await _lan.RunInClientAsync("avahi-browse", ["-tp", "_ssh._tcp"], avahi.Environment)).Text,
            text => !text!.Contains(";main;", StringComparison.Ordinal),
            "avahi-browse to forget the agent after its goodbye");
    }

    [Fact]
    public async Task AgentDiscover_KnownHostsFile_LetsOpenSshConnectWithStrictHostKeyChecking()
    {
        var keyFile = _harness.Combine("id_ed25519");
        Assert.Equal(0, (await ProcessRunner.RunAsync("ssh-keygen", ["-q", "-t", "ed25519", "-N", string.Empty, "-f", keyFile])).ExitCode);
        Directory.CreateDirectory(Path.Join(_harness.Home, ".ssh"));
        File.Copy(keyFile + ".pub", Path.Join(_harness.Home, ".ssh", "authorized_keys"));
        await StartAgentAsync();
        var knownHosts = _harness.Combine("client", "known_hosts");

        await WaitUntilDiscoverableAsync();
        var listed = await RunDiscoverAsync("discover", "--timeout", "2s", "--json");
        var written = await RunDiscoverAsync("discover", "--timeout", "2s", "--known-hosts-file", knownHosts);
        var again = await RunDiscoverAsync("discover", "--timeout", "2s", "--known-hosts-file", knownHosts);

        var found = Assert.Single(JsonDocument.Parse(listed.Text).RootElement.EnumerateArray());
        Assert.Equal("main", found.GetProperty("name").GetString());
        Assert.Equal($"{_lan.AgentAddress}:{SshPort}", found.GetProperty("ssh_address").GetString());
        Assert.Equal(JsonValueKind.Null, found.GetProperty("problem").ValueKind);
        var keys = await HostKeyLinesAsync();
        Assert.Equal(keys.Count, found.GetProperty("host_keys").GetArrayLength());
        Assert.Contains(await FingerprintAsync(keys[0]), written.Text, StringComparison.Ordinal);
        Assert.Contains($"{keys.Count} host key line(s) added", written.Error, StringComparison.Ordinal);
        Assert.Contains("0 host key line(s) added", again.Error, StringComparison.Ordinal);
        Assert.Equal(keys.Select(key => $"[{_lan.AgentAddress}]:{SshPort} {key}").Order(), File.ReadAllLines(knownHosts).Order());

        var ssh = await _lan.RunInClientAsync(
            "ssh",
            ["-F", "/dev/null", "-o", "StrictHostKeyChecking=yes", "-o", $"UserKnownHostsFile={knownHosts}", "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes",
             "-i", keyFile, "-p", SshPort.ToString(System.Globalization.CultureInfo.InvariantCulture), $"{Environment.UserName}@{_lan.AgentAddress}", "echo discovered"]);
        Assert.True(ssh.ExitCode == 0, ssh.Error);
        Assert.Equal("discovered\n", ssh.Text);
    }

    [Fact]
    public async Task AgentDiscover_KnownHostsOption_WritesTheHomesKnownHosts()
    {
        await StartAgentAsync();
        await WaitUntilDiscoverableAsync();
        var home = _harness.Combine("client-home");
        Directory.CreateDirectory(home);

        var result = await RunDiscoverAsync(new Dictionary<string, string> { ["HOME"] = home }, "discover", "--timeout", "2s", "--known-hosts");

        var lines = File.ReadAllLines(Path.Join(home, ".ssh", "known_hosts"));
        Assert.Equal((await HostKeyLinesAsync()).Count, lines.Length);
        Assert.All(lines, line => Assert.StartsWith($"[{_lan.AgentAddress}]:{SshPort} ", line, StringComparison.Ordinal));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Join(home, ".ssh", "known_hosts")));
        Assert.Contains("main  ssh " + _lan.AgentAddress, result.Text, StringComparison.Ordinal);
    }

    private async Task<RunningProcess> StartAgentAsync()
    {
        var agent = _harness.StartAgent(
            info => LanNamespaces.Enter(info, _lan.AgentNamespace),
            "--url", "http://127.0.0.1:9/",
            "--ssh-address", $"{_lan.AgentAddress}:{SshPort}",
            "--discovery",
            "--discovery-name", "main");
        await agent.WaitForOutputAsync("Announcing agent main");
        return agent;
    }

    // The first search may start before the agent's multicast memberships are in place (seen on a loaded machine):
    // search until one finds the agent, within the deadline.
    private Task WaitUntilDiscoverableAsync() => Eventually.WaitAsync(
        async () => (ProcessRunner.Result?)await ProcessRunner.RunAsync(LanNamespaces.Enter(AgentBinary.StartInfo(["discover", "--timeout", "2s"]), _lan.ClientNamespace), timeout: TimeSpan.FromSeconds(30)),
        result => result?.ExitCode == 0,
        "agent discover to find the agent",
        TimeSpan.FromSeconds(40));

    private Task<ProcessRunner.Result> RunDiscoverAsync(params string[] arguments)
        => RunDiscoverAsync(new Dictionary<string, string>(), arguments);

    private async Task<ProcessRunner.Result> RunDiscoverAsync(Dictionary<string, string> environment, params string[] arguments)
    {
        var info = LanNamespaces.Enter(AgentBinary.StartInfo(arguments), _lan.ClientNamespace);
        foreach (var (name, value) in environment)
            info.Environment[name] = value;
        var result = await ProcessRunner.RunAsync(info, timeout: TimeSpan.FromSeconds(30));
        Assert.True(result.ExitCode == 0, $"agent {string.Join(' ', arguments)}: exit {result.ExitCode}\n{result.Text}\n{result.Error}");
        return result;
    }

    // The agent's public host keys, "type base64", as it wrote them to its data directory.
    private async Task<List<string>> HostKeyLinesAsync()
    {
        var lines = new List<string>();
        foreach (var file in Directory.GetFiles(_harness.Combine("data", "ssh"), "*.pub").Order())
            lines.Add(string.Join(' ', (await File.ReadAllTextAsync(file)).Trim().Split(' ').Take(2)));
        return lines;
    }

    // ssh-keygen's own fingerprint of a public-key line.
    private static async Task<string> FingerprintAsync(string publicKeyLine)
    {
        var result = await ProcessRunner.RunAsync("ssh-keygen", ["-lf", "-"], System.Text.Encoding.ASCII.GetBytes(publicKeyLine + "\n"));
        return result.Text.Split(' ')[1];
    }
}
