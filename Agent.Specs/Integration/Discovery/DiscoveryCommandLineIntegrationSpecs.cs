namespace Agent.Specs.Integration.Discovery;

/// <summary><c>agent run --discovery</c> (or <c>CODER_AGENT_DISCOVERY=true</c>) refuses to start with nothing it could announce.</summary>
public sealed class DiscoveryCommandLineIntegrationSpecs : IAsyncLifetime
{
    private const string Refusal = "--discovery announces the SSH listener on the local network: give an --ssh-address with a specific non-loopback IPv4 address";

    private readonly IntegrationHarness _harness = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _harness.DisposeAsync().AsTask();

    [Theory]
    [InlineData("127.0.0.1:0")]
    [InlineData("0.0.0.0:0")]
    public async Task Run_DiscoveryWithALoopbackOrWildcardSshAddress_ExitsTwoSayingWhy(string address)
    {
        var agent = _harness.StartAgent("--ssh-address", address, "--discovery");

        Assert.Equal(2, await agent.WaitForExitAsync());
        Assert.Contains(Refusal, agent.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_DiscoveryWithoutSshAddress_ExitsTwoSayingWhy()
    {
        var agent = _harness.StartAgent("--discovery");

        Assert.Equal(2, await agent.WaitForExitAsync());
        Assert.Contains(Refusal, agent.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_DiscoveryVariableTrueWithALoopbackSshAddress_ExitsTwoSayingWhy()
    {
        var agent = _harness.StartAgentWithEnvironment(
            new Dictionary<string, string> { ["CODER_AGENT_DISCOVERY"] = "true" },
            "--url", _harness.Url.ToString(), "--token", _harness.AgentToken, "--log-dir", _harness.LogDirectory, "--ssh-address", "127.0.0.1:0");

        Assert.Equal(2, await agent.WaitForExitAsync());
        Assert.Contains(Refusal, agent.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_DiscoveryVariableNotABoolean_ExitsTwoNamingIt()
    {
        var agent = _harness.StartAgentWithEnvironment(
            new Dictionary<string, string> { ["CODER_AGENT_DISCOVERY"] = "maybe" },
            "--url", _harness.Url.ToString(), "--token", _harness.AgentToken, "--log-dir", _harness.LogDirectory, "--ssh-address", "127.0.0.1:0");

        Assert.Equal(2, await agent.WaitForExitAsync());
        Assert.Contains("$CODER_AGENT_DISCOVERY \"maybe\" is not true or false", agent.Output, StringComparison.Ordinal);
    }
}
