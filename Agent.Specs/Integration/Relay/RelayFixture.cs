using System.Diagnostics;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Agent.Specs.Utilities;

namespace Agent.Specs.Integration.Relay;

/// <summary>
/// <c>agent server</c> and <c>agent run</c> as real processes, the agent reachable only through its relay; the real
/// OpenSSH client gets in with <c>agent proxy</c> as its ProxyCommand and checks the published host keys strictly.
/// </summary>
public sealed class RelayFixture : IAsyncLifetime
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    public IntegrationHarness Harness { get; } = new();

    public string KnownHosts => Harness.Combine("known_hosts");

    /// <summary>The user token in a private file, as README's <c>ProxyCommand</c> and <c>config-ssh</c> pass it.</summary>
    public string UserTokenFile => Harness.Combine("user-token");

    public string ProxyCommand => $"dotnet {AgentBinary.Path} proxy --url {Harness.Url} --token-file {UserTokenFile} --agent {IntegrationHarness.AgentName}";

    public async Task InitializeAsync()
    {
        Harness.WriteWorkspace(new JsonObject());
        Harness.WriteTokenFile("user-token", IntegrationHarness.UserToken);
        await Harness.StartServerAsync();
        Harness.StartAgent();
        await WaitForRelayAsync();
    }

    public async Task DisposeAsync() => await Harness.DisposeAsync();

    /// <summary>Waits until the agent's relay is up and its host keys are published, and pins them in <see cref="KnownHosts"/>.</summary>
    public async Task WaitForRelayAsync()
    {
        var summary = await Eventually.WaitAsync(
            async () => await Harness.GetAsync(string.Empty),
            s => s.GetProperty("relay").GetString() == "connected" && s.GetProperty("ssh_host_keys").GetArrayLength() > 0,
            $"the relay to connect\n--- agent ---\n{Harness.Agent?.Output}\n--- server ---\n{Harness.Server?.Output}",
            Deadline);
        var keys = summary.GetProperty("ssh_host_keys").EnumerateArray().Select(key => $"agent.main {key.GetString()}");
        await File.WriteAllLinesAsync(KnownHosts, keys);
    }

    /// <summary>Runs <c>ssh</c> through the relay with strict host-key checking and no client key at all.</summary>
    public Task<ProcessRunner.Result> SshAsync(string command, byte[]? input = null, TimeSpan? timeout = null)
        => ProcessRunner.RunAsync("ssh", [.. SshOptions(), "agent.main", command], input, timeout ?? Deadline);

    public IEnumerable<string> SshOptions() =>
    [
        "-F", "/dev/null",
        "-o", $"ProxyCommand={ProxyCommand}",
        "-o", "HostKeyAlias=agent.main",
        "-o", $"UserKnownHostsFile={KnownHosts}",
        "-o", "StrictHostKeyChecking=yes",
        "-o", "BatchMode=yes",
        "-o", "LogLevel=ERROR",
    ];

    /// <summary>Runs an <c>agent</c> client command against the server with the user token.</summary>
    public Task<ProcessRunner.Result> AgentAsync(params string[] arguments)
        => AgentBinary.RunAsync(
            [.. arguments, "--url", Harness.Url.ToString(), "--token", IntegrationHarness.UserToken],
            new Dictionary<string, string> { ["HOME"] = Harness.Home, ["XDG_CONFIG_HOME"] = Harness.Combine("config") },
            timeout: Deadline);

    /// <summary>Starts a long-running <c>agent</c> client command (port-forward).</summary>
    public RunningProcess StartAgentCommand(params string[] arguments)
        => RunningProcess.Start(AgentBinary.StartInfo([.. arguments, "--url", Harness.Url.ToString(), "--token", IntegrationHarness.UserToken]), $"agent {arguments[0]}");

    /// <summary>Starts <c>python3 -m http.server</c> on a free port bound to <paramref name="bind"/>, serving <paramref name="directory"/>.</summary>
    public static async Task<(RunningProcess Process, int Port)> StartHttpServerAsync(string bind, string directory)
    {
        var port = FreePort.Next();
        var info = new ProcessStartInfo("/usr/bin/python3")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = directory,
        };
        foreach (var argument in new[] { "-m", "http.server", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", bind })
            info.ArgumentList.Add(argument);
        var process = RunningProcess.Start(info, $"python3 http.server {bind}");
        var address = bind == "::" || bind == "::1" ? System.Net.IPAddress.IPv6Loopback : System.Net.IPAddress.Loopback;
        await Eventually.WaitAsync(
            async () =>
            {
                using var client = new TcpClient(address.AddressFamily);
                try
                {
                    await client.ConnectAsync(address, port);
                    return true;
                }
                catch (SocketException)
                {
                    return false;
                }
            },
            ok => ok,
            $"python3 to listen on {bind} port {port}\n{process.Output}",
            Deadline);
        return (process, port);
    }
}
