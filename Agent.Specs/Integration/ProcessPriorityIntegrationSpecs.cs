using System.Diagnostics;
using System.Globalization;
using Agent.Specs.Utilities;

namespace Agent.Specs.Integration;

/// <summary>
/// Process priority management (Coder's <c>CODER_PROC_PRIO_MGMT</c>): <c>agent run --ssh-address</c> and the real
/// <c>ssh</c> running <c>cat /proc/self/oom_score_adj; nice</c> in an exec session and on a terminal, the start-up script
/// doing the same, the agent's own <c>/proc/PID/oom_score_adj</c>, a non-root agent, the variables, and a real OOM in a
/// cgroup v1 memory cgroup where the kernel has to choose between the agent and a child. Runs as root (as CI does): it
/// drops to another uid with <c>setpriv</c> and makes cgroups.
/// </summary>
[Trait("Category", "Integration")]
public sealed class ProcessPriorityIntegrationSpecs
{
    private const string Probe = "cat /proc/self/oom_score_adj; nice";

    // Another user, not root and without capabilities: a uid that the spec gives a passwd entry (shell /bin/sh) in a
    // mount namespace of its own (a bind mount over /etc/passwd), so the machine's users stay as they are.
    private const string OtherUid = "64123";
    private const string OtherUser = "agentspec";

    /// <summary>
    /// Root lowers its own score when it holds CAP_SYS_RESOURCE; containers (this machine and CI among them) drop that
    /// capability even for root, and then the agent's own stays where it was: a shell tries first to learn which.
    /// </summary>
    [Fact]
    public async Task AgentRun_AsRoot_ChildrenGetScore998AndNice5_AgentLowersItsOwnWhenTheKernelLetsIt()
    {
        var mayLower = (await ProcessRunner.RunAsync("/bin/sh", ["-c", "echo -500 > /proc/self/oom_score_adj && cat /proc/self/oom_score_adj"])).Text == "-500\n";
        await using var agent = await PriorityAgent.StartAsync(new Dictionary<string, string>(), startupScript: Probe);

        var exec = await agent.SshAsync(Probe);
        var terminal = await agent.SshAsync(Probe, "-tt");
        var script = await agent.Harness.WaitForLifecycleAsync("ready");

        Assert.True(exec.ExitCode == 0, exec.Error);
        Assert.Equal("998\n5\n", exec.Text);
        Assert.Equal("998\r\n5\r\n", terminal.Text);
        Assert.Equal(["998", "5"], await agent.Harness.LogLinesAsync());
        Assert.Equal(mayLower ? "-500" : "0", OwnScore(agent.Process));
        Assert.Contains(mayLower ? "Lowered the agent's own oom_score_adj from 0 to -500" : "The agent's own oom_score_adj stays 0", agent.Process.Output, StringComparison.Ordinal);
        Assert.NotEmpty(script);
    }

    [Fact]
    public async Task AgentRun_NotRootWithoutCapSysResource_KeepsItsOwnScoreAndStillRaisesTheChildren()
    {
        await using var agent = await PriorityAgent.StartAsync(new Dictionary<string, string>(), asOtherUser: true);

        var exec = await agent.SshAsync(Probe);

        Assert.True(exec.ExitCode == 0, exec.Error + agent.Process.Output);
        Assert.Equal("998\n5\n", exec.Text);
        Assert.Equal("0", OwnScore(agent.Process));
        Assert.Contains("The agent's own oom_score_adj stays 0 (it needs CAP_SYS_RESOURCE", agent.Process.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("false")]
    [InlineData("0")]
    public async Task ProcPrioMgmtVariable_Off_ChildrenStartWithTheAgentsValues(string value)
    {
        await using var agent = await PriorityAgent.StartAsync(new Dictionary<string, string> { ["CODER_PROC_PRIO_MGMT"] = value });

        var exec = await agent.SshAsync(Probe + "; echo ${CODER_PROC_PRIO_MGMT:-withheld}");

        Assert.Equal($"{OwnScore(agent.Process)}\n0\nwithheld\n", exec.Text);
        Assert.Contains("Process priority management off (CODER_PROC_PRIO_MGMT)", agent.Process.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProcOomScoreAndNiceScoreVariables_SetTheChildrensValues()
    {
        var environment = new Dictionary<string, string>
        {
            ["CODER_PROC_PRIO_MGMT"] = "1",
            ["CODER_PROC_OOM_SCORE"] = "700",
            ["CODER_PROC_NICE_SCORE"] = "12",
        };
        await using var agent = await PriorityAgent.StartAsync(environment);

        var exec = await agent.SshAsync(Probe + "; env | grep -c ^CODER_PROC_ || true");

        Assert.Equal("700\n12\n0\n", exec.Text);
    }

    [Fact]
    public async Task ProcOomScoreVariable_OutOfRange_IsNamedAndTheDefaultUsed()
    {
        await using var agent = await PriorityAgent.StartAsync(new Dictionary<string, string> { ["CODER_PROC_OOM_SCORE"] = "5000" });

        var exec = await agent.SshAsync(Probe);

        Assert.Equal("998\n5\n", exec.Text);
        Assert.Contains("Ignored CODER_PROC_OOM_SCORE=5000 is not a whole number from -1000 to 1000", agent.Process.Output, StringComparison.Ordinal);
    }

    /// <summary>
    /// The agent (JIT, ~100 MB) and a child in one memory cgroup limited to the agent's usage + 48 MB; the child asks for
    /// 256 MB. By size alone the kernel would kill the agent, the biggest process; with the child at 998 it kills the child.
    /// </summary>
    [Fact]
    public async Task MemoryCgroupRunsOut_TheKernelKillsTheChild_NotTheAgent()
    {
        using var cgroup = MemoryCgroup.Create();
        await using var agent = await PriorityAgent.StartAsync(new Dictionary<string, string>(), cgroup: cgroup);
        cgroup.Limit(cgroup.Usage + (48L << 20));

        var hog = await agent.SshAsync("head -c 268435456 /dev/zero | tail > /dev/null; echo exit=$?");
        var after = await agent.SshAsync("echo alive");

        Assert.Equal("exit=137\n", hog.Text);
        Assert.False(agent.Process.HasExited, agent.Process.Output);
        Assert.Equal("alive\n", after.Text);
    }

    private static string OwnScore(RunningProcess process)
        => File.ReadAllText($"/proc/{process.Id.ToString(CultureInfo.InvariantCulture)}/oom_score_adj").Trim();

    private sealed class PriorityAgent : IAsyncDisposable
    {
        private readonly int _port = FreePort.Next();

        private PriorityAgent(IntegrationHarness harness) => Harness = harness;

        public IntegrationHarness Harness { get; }

        public RunningProcess Process { get; private set; } = null!;

        private string Key => Harness.Combine("id");

        public static async Task<PriorityAgent> StartAsync(
            IReadOnlyDictionary<string, string> environment, string startupScript = "", bool asOtherUser = false, MemoryCgroup? cgroup = null)
        {
            var agent = new PriorityAgent(new IntegrationHarness());
            try
            {
                await agent.RunAsync(environment, startupScript, asOtherUser, cgroup);
                return agent;
            }
            catch
            {
                await agent.DisposeAsync();
                throw;
            }
        }

        public string User { get; private set; } = Environment.UserName;

        public Task<ProcessRunner.Result> SshAsync(string command, params string[] options)
            => ProcessRunner.RunAsync(
                "ssh",
                [
                    "-l", User,
                    "-F", "/dev/null", "-i", Key, "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no",
                    "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR", "-p", _port.ToString(CultureInfo.InvariantCulture),
                    .. options, "127.0.0.1", command,
                ],
                [],
                TimeSpan.FromSeconds(60));

        public ValueTask DisposeAsync() => Harness.DisposeAsync();

        private async Task RunAsync(IReadOnlyDictionary<string, string> environment, string startupScript, bool asOtherUser, MemoryCgroup? cgroup)
        {
            var keygen = await ProcessRunner.RunAsync("ssh-keygen", ["-q", "-t", "ed25519", "-N", string.Empty, "-f", Key]);
            Assert.Equal(0, keygen.ExitCode);
            var authorizedKeys = Harness.Combine("authorized_keys");
            File.Copy(Key + ".pub", authorizedKeys);
            Harness.WriteWorkspace(Manifests.With(startupScript: startupScript));
            await Harness.StartServerAsync();
            string? passwd = null;
            if (asOtherUser)
            {
                User = OtherUser;
                passwd = Harness.Combine("passwd");
                await File.WriteAllTextAsync(passwd, await File.ReadAllTextAsync("/etc/passwd") + $"{OtherUser}:x:{OtherUid}:{OtherUid}::{Harness.Home}:/bin/sh\n");
                var chown = await ProcessRunner.RunAsync("chown", ["-R", $"{OtherUid}:{OtherUid}", Harness.Combine()]);
                Assert.True(chown.ExitCode == 0, chown.Error);
            }

            Process = Harness.StartAgent(
                info => Wrap(info, environment, passwd, cgroup),
                "--ssh-address", $"127.0.0.1:{_port}", "--authorized-keys", authorizedKeys);
            await Process.WaitForOutputAsync($"SSH server listening on 127.0.0.1:{_port}");
        }

        private static void Wrap(ProcessStartInfo info, IReadOnlyDictionary<string, string> environment, string? passwd, MemoryCgroup? cgroup)
        {
            foreach (var (name, value) in environment)
                info.Environment[name] = value;
            info.Environment["SHELL"] = "/bin/sh";
            List<string> prefix = [];
            if (cgroup is not null)
                prefix.AddRange(cgroup.Enter());
            if (passwd is not null)
            {
                prefix.AddRange(["unshare", "--mount", "--propagation", "private", "--", "/bin/sh", "-c", "mount --bind \"$0\" /etc/passwd && exec \"$@\"", passwd]);
                prefix.AddRange(["setpriv", $"--reuid={OtherUid}", $"--regid={OtherUid}", "--clear-groups", "--"]);
            }

            if (prefix.Count == 0)
                return;
            List<string> command = [.. prefix, info.FileName, .. info.ArgumentList];
            info.FileName = command[0];
            info.ArgumentList.Clear();
            foreach (var argument in command.Skip(1))
                info.ArgumentList.Add(argument);
        }
    }
}
