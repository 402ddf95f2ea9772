
using Agent.Specs.Utilities;

namespace Agent.Specs.Integration.Files;

/// <summary>Every command that takes a token reads it from <c>--token-file</c>, so it stays out of argv.</summary>
[Trait("Category", "Integration")]
public sealed class TokenFileIntegrationSpecs
{
    [Fact]
    public async Task Run_UrlAndTokenFile_ReachesReadyAgainstTheServer()
    {
        await using var harness = new IntegrationHarness();
        harness.WriteWorkspace(Manifests.With(startupScript: "echo from-the-file"));
        await harness.StartServerAsync();
        var tokenFile = harness.WriteTokenFile("agent-token", harness.AgentToken);

        harness.StartAgent("--url", $"http://127.0.0.1:{harness.Port}", "--token-file", tokenFile);

        Assert.Equal(["starting", "ready"], await harness.WaitForLifecycleAsync("ready"));
        Assert.DoesNotContain(await File.ReadAllTextAsync($"/proc/{harness.Agent!.Id}/cmdline"), harness.AgentToken, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClientCommands_TokenFile_MonitorAndSpeedtestAuthenticate()
    {
        await using var harness = new IntegrationHarness();
        harness.WriteWorkspace(Manifests.With());
        await harness.StartServerAsync();
        harness.StartAgent();
        await harness.WaitForLifecycleAsync("ready");
        var tokenFile = harness.WriteTokenFile("user-token", IntegrationHarness.UserToken);

        var monitor = await RunAsync(harness, "monitor", "--once", "--url", harness.Url.ToString(), "--token-file", tokenFile);
        var speedtest = await Eventually.WaitAsync<ProcessRunner.Result>(
            async () => await RunAsync(harness, "speedtest", "--agent", IntegrationHarness.AgentName, "--time", "1s", "--url", harness.Url.ToString(), "--token-file", tokenFile),
            result => result?.ExitCode == 0,
            "the speed test through the relay");

        Assert.True(monitor.ExitCode == 0, monitor.Error);
        Assert.Contains("agent main", monitor.Text, StringComparison.Ordinal);
        Assert.Contains("Total", speedtest.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Monitor_TokenFileOthersCanRead_WarnsAndStillWorks()
    {
        await using var harness = new IntegrationHarness();
        harness.WriteWorkspace(Manifests.With());
        await harness.StartServerAsync();
        var tokenFile = harness.Combine("shared-token");
        await File.WriteAllTextAsync(tokenFile, $"  {IntegrationHarness.UserToken}\n");
        File.SetUnixFileMode(tokenFile, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var monitor = await RunAsync(harness, "monitor", "--once", "--url", harness.Url.ToString(), "--token-file", tokenFile);

        Assert.True(monitor.ExitCode == 0, monitor.Error);
        Assert.Contains($"agent monitor: warning: the token file {tokenFile} can be read by other users", monitor.Error, StringComparison.Ordinal);
    }

    private static Task<ProcessRunner.Result> RunAsync(IntegrationHarness harness, params string[] arguments)
        => AgentBinary.RunAsync(arguments, new Dictionary<string, string> { ["HOME"] = harness.Home }, timeout: TimeSpan.FromSeconds(30));
}
