
using Agent.Specs.Integration.Relay;
using Agent.Specs.Utilities;

namespace Agent.Specs.Integration.CommandLine;

/// <summary>
/// The client commands against a real control plane and agent: each works with only <c>AGENT_URL</c> and
/// <c>AGENT_USER_TOKEN</c> set, and an option beats the environment (<c>--token-file</c> and <c>--token</c> both: an error).
/// </summary>
[Trait("Category", "Integration")]
public sealed class ClientEnvironmentIntegrationSpecs(RelayFixture fixture) : IClassFixture<RelayFixture>
{
    private const string WrongToken = "not-the-user-token";

    private IntegrationHarness Harness => fixture.Harness;

    [Theory]
    [InlineData("monitor", "agent main", new[] { "--once" })]
    [InlineData("speedtest", "Total", new[] { "--agent", "main", "--time", "1s" })]
    [InlineData("proxy", "SSH-2.0-", new[] { "--agent", "main" })]
    [InlineData("config-ssh", "Connect with: ssh agent.main", new string[0])]
    public async Task ClientCommand_UrlAndTokenOnlyInTheVariables_Works(string command, string shown, string[] options)
    {
        var files = command == "config-ssh" ? ["--ssh-config-file", Harness.Combine("env-ssh-config"), "--known-hosts-file", Harness.Combine("env-known-hosts")] : Array.Empty<string>();

        var result = await AgentBinary.RunAsync(
            [command, .. options, .. files],
            Environment(("AGENT_URL", Harness.Url.ToString()), ("AGENT_USER_TOKEN", IntegrationHarness.UserToken)),
            timeout: RelayFixture.Deadline);

        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}: {result.Error}");
        Assert.Contains(shown, result.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PortForward_UrlAndTokenOnlyInTheVariables_Forwards()
    {
        var info = AgentBinary.StartInfo("port-forward", "--agent", "main", "--tcp", "0:1");
        foreach (var (name, value) in Environment(("AGENT_URL", Harness.Url.ToString()), ("AGENT_USER_TOKEN", IntegrationHarness.UserToken)))
            info.Environment[name] = value;

        using var forward = RunningProcess.Start(info, "agent port-forward");

        await forward.WaitForOutputAsync("Forwarding 127.0.0.1:");
        Assert.False(forward.HasExited);
    }

    [Fact]
    public async Task Monitor_UrlOptionAndVariable_OptionWins()
    {
        var nowhere = $"http://127.0.0.1:{FreePort.Next()}/";

        var result = await MonitorAsync(["--url", Harness.Url.ToString()], ("AGENT_URL", nowhere), ("AGENT_USER_TOKEN", IntegrationHarness.UserToken));

        Assert.True(result.ExitCode == 0, result.Error);
    }

    [Fact]
    public async Task Monitor_TokenOptionAndVariable_OptionWins()
    {
        var result = await MonitorAsync(["--url", Harness.Url.ToString(), "--token", IntegrationHarness.UserToken], ("AGENT_USER_TOKEN", WrongToken));

        Assert.True(result.ExitCode == 0, result.Error);
    }

    [Fact]
    public async Task Monitor_TokenFileOptionAndVariable_FileWins()
    {
        var result = await MonitorAsync(["--url", Harness.Url.ToString(), "--token-file", fixture.UserTokenFile], ("AGENT_USER_TOKEN", WrongToken));

        Assert.True(result.ExitCode == 0, result.Error);
    }

    [Fact]
    public async Task Monitor_TokenVariableWrong_RefusedWithExit1()
    {
        var result = await MonitorAsync(["--url", Harness.Url.ToString()], ("AGENT_USER_TOKEN", WrongToken));

        Assert.Equal(1, result.ExitCode);
    }

    [Fact]
    public async Task Monitor_TokenAndTokenFileOptions_Refused()
    {
        var result = await MonitorAsync(["--url", Harness.Url.ToString(), "--token", IntegrationHarness.UserToken, "--token-file", fixture.UserTokenFile]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("agent monitor: give either --token or --token-file, not both", result.Error, StringComparison.Ordinal);
    }

    private Task<ProcessRunner.Result> MonitorAsync(string[] options, params (string Name, string Value)[] variables)
        => AgentBinary.RunAsync(["monitor", "--once", .. options], Environment(variables), timeout: RelayFixture.Deadline);

    private Dictionary<string, string> Environment(params (string Name, string Value)[] variables)
    {
        var environment = new Dictionary<string, string> { ["HOME"] = Harness.Home, ["XDG_CONFIG_HOME"] = Harness.Combine("config") };
        foreach (var (name, value) in variables)
            environment[name] = value;
        return environment;
    }
}
