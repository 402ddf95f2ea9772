namespace Agent.Specs.Integration.CommandLine;

/// <summary>
/// <c>agent run</c> started as README's command table shows it, and what wins when options and variables disagree:
/// an option over the environment, <c>--token-file</c> over <c>--token</c> over the environment, both options an error.
/// </summary>
[Trait("Category", "Integration")]
public sealed class RunCommandLineIntegrationSpecs
{
    private const string WrongToken = "0d1e2f3a-0000-4000-8000-00000000dead";

    [Fact]
    public async Task Run_UrlAndTokenOptions_ReachesReady()
    {
        await using var harness = await RunEnvironmentIntegrationSpecs.StartServerAsync();

        // `agent run --url URL --token TOKEN`, the first row of the command table, with nothing in the environment.
        harness.StartAgentWithEnvironment(
            new Dictionary<string, string>(),
            ["--url", $"http://127.0.0.1:{harness.Port}", "--token", harness.AgentToken, .. RunEnvironmentIntegrationSpecs.Quick(harness)]);

        Assert.Equal(["starting", "ready"], await harness.WaitForLifecycleAsync("ready"));
    }

    [Fact]
    public async Task Run_UrlOptionAndVariables_OptionWins()
    {
        await using var harness = await RunEnvironmentIntegrationSpecs.StartServerAsync();
        var nowhere = $"http://127.0.0.1:{Utilities.FreePort.Next()}/";

        harness.StartAgentWithEnvironment(
            new Dictionary<string, string> { ["AGENT_URL"] = nowhere, ["CODER_AGENT_URL"] = nowhere },
            ["--url", harness.Url.ToString(), "--token", harness.AgentToken, .. RunEnvironmentIntegrationSpecs.Quick(harness)]);

        Assert.Equal(["starting", "ready"], await harness.WaitForLifecycleAsync("ready"));
    }

    [Fact]
    public async Task Run_TokenOptionAndVariables_OptionWins()
    {
        await using var harness = await RunEnvironmentIntegrationSpecs.StartServerAsync();
        var wrongFile = harness.WriteTokenFile("wrong-token", WrongToken);

        harness.StartAgentWithEnvironment(
            new Dictionary<string, string>
            {
                ["AGENT_TOKEN"] = WrongToken,
                ["CODER_AGENT_TOKEN"] = WrongToken,
                ["AGENT_TOKEN_FILE"] = wrongFile,
                ["CODER_AGENT_TOKEN_FILE"] = wrongFile,
            },
            ["--url", harness.Url.ToString(), "--token", harness.AgentToken, .. RunEnvironmentIntegrationSpecs.Quick(harness)]);

        Assert.Equal(["starting", "ready"], await harness.WaitForLifecycleAsync("ready"));
    }

    [Fact]
    public async Task Run_TokenFileOptionAndVariables_FileWins()
    {
        await using var harness = await RunEnvironmentIntegrationSpecs.StartServerAsync();
        var tokenFile = harness.WriteTokenFile("agent-token", harness.AgentToken);
        var wrongFile = harness.WriteTokenFile("wrong-token", WrongToken);

        harness.StartAgentWithEnvironment(
            new Dictionary<string, string> { ["AGENT_TOKEN"] = WrongToken, ["AGENT_TOKEN_FILE"] = wrongFile },
            ["--url", harness.Url.ToString(), "--token-file", tokenFile, .. RunEnvironmentIntegrationSpecs.Quick(harness)]);

        Assert.Equal(["starting", "ready"], await harness.WaitForLifecycleAsync("ready"));
    }

    [Fact]
    public async Task Run_TokenAndTokenFileOptions_RefusedWithExit2()
    {
        await using var harness = await RunEnvironmentIntegrationSpecs.StartServerAsync();
        var tokenFile = harness.WriteTokenFile("agent-token", harness.AgentToken);

        var agent = harness.StartAgentWithEnvironment(
            new Dictionary<string, string>(),
            ["--url", harness.Url.ToString(), "--token", harness.AgentToken, "--token-file", tokenFile, .. RunEnvironmentIntegrationSpecs.Quick(harness)]);

        Assert.Equal(2, await agent.WaitForExitAsync());
        Assert.Contains("agent run: give either --token or --token-file, not both", agent.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(harness.AgentToken, agent.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_LogDirectoryOptionAndVariables_OptionWins()
    {
        await using var harness = await RunEnvironmentIntegrationSpecs.StartServerAsync("echo in-the-option");
        var elsewhere = harness.Combine("variable-logs");

        harness.StartAgentWithEnvironment(
            new Dictionary<string, string> { ["AGENT_LOG_DIR"] = elsewhere, ["CODER_AGENT_LOG_DIR"] = elsewhere },
            ["--url", harness.Url.ToString(), "--token", harness.AgentToken, .. RunEnvironmentIntegrationSpecs.Quick(harness)]);

        await harness.WaitForLifecycleAsync("ready");
        Assert.Equal("in-the-option\n", await File.ReadAllTextAsync(Path.Join(harness.LogDirectory, "agent-startup-script.log")));
        Assert.False(Directory.Exists(elsewhere));
    }

    [Fact]
    public async Task Run_PollIntervalOptionAndVariable_OptionWins()
    {
        await using var harness = await RunEnvironmentIntegrationSpecs.StartServerAsync();

        harness.StartAgentWithEnvironment(
            new Dictionary<string, string> { ["AGENT_POLL_INTERVAL"] = "soon" },
            ["--url", harness.Url.ToString(), "--token", harness.AgentToken, .. RunEnvironmentIntegrationSpecs.Quick(harness)]);

        Assert.Equal(["starting", "ready"], await harness.WaitForLifecycleAsync("ready"));
    }

    [Fact]
    public async Task Run_SshAddressInUse_ExitsOneNamingTheAddress()
    {
        await using var harness = await RunEnvironmentIntegrationSpecs.StartServerAsync();
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        var address = $"127.0.0.1:{((System.Net.IPEndPoint)taken.LocalEndpoint).Port}";

        var agent = harness.StartAgentWithEnvironment(
            new Dictionary<string, string>(),
            ["--url", harness.Url.ToString(), "--token", harness.AgentToken, "--ssh-address", address, .. RunEnvironmentIntegrationSpecs.Quick(harness)]);

        Assert.Equal(1, await agent.WaitForExitAsync());
        Assert.Contains($"cannot listen for SSH on {address}", agent.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", agent.Output, StringComparison.Ordinal);
    }
}
