using System.Globalization;
using System.Net;
using Agent.Specs.Runtime.Sshd.Forwarding;
using Agent.Specs.Utilities;

namespace Agent.Specs.Integration.Ssh;

/// <summary>
/// <c>agent dev --ssh-address</c> before login, with real peers: silent connections from a second loopback
/// address, the OpenSSH client from the first, and a descriptor limit lowered on the running agent.
/// </summary>
[Trait("Category", "Integration")]
public sealed class SshAdmissionIntegrationSpecs : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();
    private readonly IntegrationHarness _harness = new();
    private readonly int _port = FreePort.Next();

    public SshAdmissionIntegrationSpecs()
    {
        OpenSshClient.Prepare(_directory);
    }

    // xunit 2 disposes a test class through IAsyncLifetime (or IDisposable), never through IAsyncDisposable:
    // as IAsyncDisposable this never ran, and the agent it started outlived the run.
    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _harness.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task AgentDev_OneSourceHoldingAndReopeningHundredsOfSilentConnections_AnotherSourceStillLogsIn()
    {
        var agent = await StartAgentAsync();

        await using var attacker = new SilentConnections(IPAddress.Parse("127.0.0.2"), new IPEndPoint(IPAddress.Loopback, _port), 300);
        await Eventually.WaitAsync(() => attacker.Opened >= 300 && attacker.ClosedByServer >= 290, $"300 connections from 127.0.0.2, most closed at once\n{agent.Output}");

        using var ssh = OpenSshClient.Start(_directory, _port, null, "-b", "127.0.0.1", "--", "echo", "admitted");
        var exit = await ssh.WaitForExitAsync();

        Assert.True(exit == 0, $"ssh from 127.0.0.1 exited {exit} while 127.0.0.2 held its connections\n{ssh.Stderr}\n--- agent ---\n{agent.Output}");
        Assert.Equal("admitted", ssh.Stdout.Trim());
        var refusals = agent.Output.Split('\n').Count(line => line.Contains("refused: PerSource", StringComparison.Ordinal));
        Assert.InRange(refusals, 1, 3);
    }

    [Fact]
    public async Task AgentDev_AuthorizedKeysReplacedByAnotherKey_TheNewKeyLogsInAtOnce()
    {
        await StartAgentAsync();
        Assert.Equal(0, await RunSshAsync(_directory.Combine("id")));
        OpenSshClient.Run("ssh-keygen", "-q", "-t", "ed25519", "-N", string.Empty, "-C", "forwarding-spec", "-f", _directory.Combine("other"));
        File.Copy(_directory.Combine("other.pub"), _directory.Combine("authorized_keys"), overwrite: true);

        Assert.Equal(0, await RunSshAsync(_directory.Combine("other")));
        Assert.Equal(255, await RunSshAsync(_directory.Combine("id")));
    }

    [Fact]
    public async Task AgentDev_AcceptFailsOutOfDescriptors_BacksOffLogsOnceAndRecovers()
    {
        // The JIT's W^X double mapping takes a descriptor per new code page; without it, only sockets and files need
        // descriptors, as in the NativeAOT build.
        _harness.WriteWorkspace(Manifests.With());
        var info = AgentBinary.StartInfo(
            [
                "dev", "--workspace", _harness.WorkspaceFile, "--address", $"127.0.0.1:{_harness.Port}", "--log-dir", _harness.LogDirectory,
                "--ssh-address", $"127.0.0.1:{_port}", "--authorized-keys", _directory.Combine("authorized_keys"),
            ]);
        info.Environment["HOME"] = _harness.Home;
        info.Environment["DOTNET_EnableWriteXorExecute"] = "0";
        using var agent = RunningProcess.Start(info, "agent dev");
        await agent.WaitForOutputAsync("Startup finished");
        var limits = await ProcessRunner.RunAsync("prlimit", ["--pid", agent.Id.ToString(CultureInfo.InvariantCulture), "--nofile", "--output", "SOFT,HARD", "--noheadings"]);
        var original = limits.Text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);

        // Soft limit 3: every new descriptor fails with EMFILE; the connection waits in the listen backlog.
        await SetDescriptorLimitAsync(agent.Id, "3", original[1]);
        using var client = new System.Net.Sockets.TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, _port);
        await Eventually.WaitAsync(() => FailureLines(agent.Output) > 0, $"the agent to log the failed accept\n{agent.Output}");
        await SetDescriptorLimitAsync(agent.Id, original[0], original[1]);

        var stream = client.GetStream();
        var banner = new byte[7];
        await stream.ReadExactlyAsync(banner).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("SSH-2.0"u8.ToArray(), banner);
        await agent.WaitForOutputAsync("works again after");
        Assert.True(FailureLines(agent.Output) == 1, agent.Output);
    }

    private static int FailureLines(string output)
        => output.Split('\n').Count(line => line.Contains("accept", StringComparison.OrdinalIgnoreCase) && line.Contains("failed", StringComparison.Ordinal)
            && !line.Contains("works again after", StringComparison.Ordinal));

    private static async Task SetDescriptorLimitAsync(int pid, string soft, string hard)
    {
        var result = await ProcessRunner.RunAsync("prlimit", ["--pid", pid.ToString(CultureInfo.InvariantCulture), $"--nofile={soft}:{hard}"]);
        Assert.True(result.ExitCode == 0, "prlimit: " + result.Error);
    }

    private async Task<RunningProcess> StartAgentAsync()
    {
        _harness.WriteWorkspace(Manifests.With());
        var agent = await _harness.StartDevAsync("--ssh-address", $"127.0.0.1:{_port}", "--authorized-keys", _directory.Combine("authorized_keys"));
        await agent.WaitForOutputAsync($"SSH server listening on 127.0.0.1:{_port}");
        return agent;
    }

    private async Task<int> RunSshAsync(string identity)
    {
        var result = await ProcessRunner.RunAsync(
            "ssh",
            [
                "-F", "/dev/null", "-i", identity, "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no",
                "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR", "-p", _port.ToString(CultureInfo.InvariantCulture), "127.0.0.1", "true",
            ],
            timeout: TimeSpan.FromSeconds(60));
        return result.ExitCode;
    }
}
