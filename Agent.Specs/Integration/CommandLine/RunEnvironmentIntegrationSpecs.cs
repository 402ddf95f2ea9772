using System.Globalization;
using Agent.Specs.Runtime.Sshd.Forwarding;
using Agent.Specs.Utilities;

namespace Agent.Specs.Integration.CommandLine;

/// <summary>
/// Each variable README documents for <c>agent run</c>, on its own: the real binary gets that setting only from the
/// variable (everything else on its command line) and works with it.
/// </summary>
[Trait("Category", "Integration")]
public sealed class RunEnvironmentIntegrationSpecs
{
    [Theory]
    [InlineData("AGENT_URL")]
    [InlineData("CODER_AGENT_URL")]
    public async Task Run_UrlOnlyInTheVariable_ReachesReady(string variable)
    {
        await using var harness = await StartServerAsync();

        harness.StartAgentWithEnvironment(
            new Dictionary<string, string> { [variable] = harness.Url.ToString() },
            ["--token", harness.AgentToken, .. Quick(harness)]);

        Assert.Equal(["starting", "ready"], await harness.WaitForLifecycleAsync("ready"));
    }

    [Theory]
    [InlineData("AGENT_TOKEN")]
    [InlineData("CODER_AGENT_TOKEN")]
    public async Task Run_TokenOnlyInTheVariable_ReachesReady(string variable)
    {
        await using var harness = await StartServerAsync();

        harness.StartAgentWithEnvironment(
            new Dictionary<string, string> { [variable] = harness.AgentToken },
            ["--url", harness.Url.ToString(), .. Quick(harness)]);

        Assert.Equal(["starting", "ready"], await harness.WaitForLifecycleAsync("ready"));
    }

    [Theory]
    [InlineData("AGENT_TOKEN_FILE")]
    [InlineData("CODER_AGENT_TOKEN_FILE")]
    public async Task Run_TokenFileOnlyInTheVariable_ReachesReady(string variable)
    {
        await using var harness = await StartServerAsync();
        var tokenFile = harness.WriteTokenFile("agent-token", harness.AgentToken);

        var agent = harness.StartAgentWithEnvironment(
            new Dictionary<string, string> { [variable] = tokenFile },
            ["--url", harness.Url.ToString(), .. Quick(harness)]);

        Assert.Equal(["starting", "ready"], await harness.WaitForLifecycleAsync("ready"));
        Assert.DoesNotContain(harness.AgentToken, await File.ReadAllTextAsync($"/proc/{agent.Id}/environ"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("AGENT_LOG_DIR")]
    [InlineData("CODER_AGENT_LOG_DIR")]
    public async Task Run_LogDirectoryOnlyInTheVariable_ScriptLogIsThere(string variable)
    {
        await using var harness = await StartServerAsync("echo logged-where-the-variable-says");
        var logs = harness.Combine("variable-logs");

        harness.StartAgentWithEnvironment(
            new Dictionary<string, string> { [variable] = logs },
            "--url", harness.Url.ToString(), "--token", harness.AgentToken, "--poll-interval", "250ms");

        await harness.WaitForLifecycleAsync("ready");
        Assert.Equal("logged-where-the-variable-says\n", await File.ReadAllTextAsync(Path.Join(logs, "agent-startup-script.log")));
        Assert.True(File.Exists(Path.Join(logs, "agent.log")));
    }

    [Fact]
    public async Task Run_NoLogDirectoryButXdgStateHome_LogsInAPrivateDirectoryUnderIt()
    {
        await using var harness = await StartServerAsync("echo under-the-state-home");
        var stateHome = harness.Combine("state-home");

        harness.StartAgentWithEnvironment(
            new Dictionary<string, string> { ["XDG_STATE_HOME"] = stateHome },
            "--url", harness.Url.ToString(), "--token", harness.AgentToken, "--poll-interval", "250ms");

        await harness.WaitForLifecycleAsync("ready");
        var logs = Path.Join(stateHome, "agent", "logs");
        Assert.Equal("under-the-state-home\n", await File.ReadAllTextAsync(Path.Join(logs, "agent-startup-script.log")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(logs));
    }

    [Fact]
    public async Task Run_PollIntervalOnlyInTheVariable_IsReadAndCheckedByName()
    {
        await using var harness = await StartServerAsync();

        var good = harness.StartAgentWithEnvironment(
            new Dictionary<string, string> { ["AGENT_POLL_INTERVAL"] = "250ms" },
            "--url", harness.Url.ToString(), "--token", harness.AgentToken, "--log-dir", harness.LogDirectory);
        await harness.WaitForLifecycleAsync("ready");
        var bad = harness.StartAgentWithEnvironment(
            new Dictionary<string, string> { ["AGENT_POLL_INTERVAL"] = "soon" },
            "--url", harness.Url.ToString(), "--token", harness.AgentToken, "--log-dir", harness.LogDirectory);

        Assert.Equal(2, await bad.WaitForExitAsync());
        Assert.Contains("AGENT_POLL_INTERVAL \"soon\" is not a positive duration", bad.Output, StringComparison.Ordinal);
        Assert.False(good.HasExited);
    }

    [Fact]
    public async Task Run_SshMaxTimeoutOnlyInTheVariable_IsReadAndCheckedByName()
    {
        await using var harness = await StartServerAsync();

        var agent = harness.StartAgentWithEnvironment(
            new Dictionary<string, string> { ["CODER_AGENT_SSH_MAX_TIMEOUT"] = "forever" },
            ["--url", harness.Url.ToString(), "--token", harness.AgentToken, .. Quick(harness)]);

        Assert.Equal(2, await agent.WaitForExitAsync());
        Assert.Contains("CODER_AGENT_SSH_MAX_TIMEOUT \"forever\" is not a duration", agent.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_SshMaxTimeoutOnlyInTheVariable_EndsTheConnectionAfterIt()
    {
        await using var harness = await StartServerAsync();
        using var keys = new TempDirectory();
        OpenSshClient.Prepare(keys);
        var port = FreePort.Next();
        var agent = harness.StartAgentWithEnvironment(
            new Dictionary<string, string> { ["CODER_AGENT_SSH_MAX_TIMEOUT"] = "2s" },
            ["--url", harness.Url.ToString(), "--token", harness.AgentToken, .. Quick(harness),
                "--ssh-address", $"127.0.0.1:{port}", "--authorized-keys", keys.Combine("authorized_keys")]);
        await agent.WaitForOutputAsync($"SSH server listening on 127.0.0.1:{port}");

        var session = await ProcessRunner.RunAsync(
            "ssh",
            [
                "-F", "/dev/null", "-i", keys.Combine("id"), "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no",
                "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR", "-p", port.ToString(CultureInfo.InvariantCulture), "127.0.0.1",
                "echo in; sleep 30; echo survived",
            ],
            timeout: TimeSpan.FromSeconds(25));

        Assert.Equal("in\n", session.Text);
        Assert.Equal(255, session.ExitCode);
    }

    /// <summary>The options every start here gives besides the one a variable stands for: a quick poll and the harness's log directory.</summary>
    internal static string[] Quick(IntegrationHarness harness) => ["--poll-interval", "250ms", "--log-dir", harness.LogDirectory];

    internal static async Task<IntegrationHarness> StartServerAsync(string startupScript = "true")
    {
        var harness = new IntegrationHarness();
        try
        {
            harness.WriteWorkspace(Manifests.With(startupScript: startupScript));
            await harness.StartServerAsync();
            return harness;
        }
        catch
        {
            await harness.DisposeAsync();
            throw;
        }
    }
}
