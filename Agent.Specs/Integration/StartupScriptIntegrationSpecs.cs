namespace Agent.Specs.Integration;

[Trait("Category", "Integration")]
public sealed class StartupScriptIntegrationSpecs
{
    [Fact]
    public async Task StartupScript_Success_OneLogLineAndReady()
    {
        await using var harness = new IntegrationHarness();
        harness.WriteWorkspace(Manifests.With(startupScript: "echo something"));
        await harness.StartServerAsync();
        harness.StartAgent();

        var states = await harness.WaitForLifecycleAsync("ready");

        Assert.Equal(["starting", "ready"], states);
        Assert.Equal(["something"], await harness.LogLinesAsync());
        var logFile = Path.Join(harness.LogDirectory, "agent-startup-script.log");
        Assert.Equal("something\n", await File.ReadAllTextAsync(logFile));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(logFile));
    }

    [Fact]
    public async Task StartupScript_OverflowsTheLogLimit_DropsAndStillReady()
    {
        await using var harness = new IntegrationHarness();
        // 1.5 MiB of output in 1 KiB lines: past the control plane's 1 MiB limit.
        harness.WriteWorkspace(Manifests.With(startupScript: "head -c 1572864 /dev/zero | tr '\\0' x | fold -w 1023"));
        await harness.StartServerAsync();
        harness.StartAgent();

        var states = await harness.WaitForLifecycleAsync("ready", TimeSpan.FromSeconds(60));

        Assert.Equal(["starting", "ready"], states);
        var stored = (await harness.LogLinesAsync()).Sum(line => line.Length);
        Assert.InRange(stored, 1, 1024 * 1024);
        await harness.Agent!.WaitForOutputAsync("Log limit of the control plane reached");
    }

    [Fact]
    public async Task StartTimeout_ScriptKeepsRunning_ThenReady()
    {
        await using var harness = new IntegrationHarness();
        harness.WriteWorkspace(Manifests.With(startupScript: "sleep 1", startupTimeout: TimeSpan.FromTicks(1)));
        await harness.StartServerAsync();
        harness.StartAgent();

        var states = await harness.WaitForLifecycleAsync("ready");

        Assert.Equal(["starting", "start_timeout", "ready"], states);
    }

    [Fact]
    public async Task StartError_FailingScript()
    {
        await using var harness = new IntegrationHarness();
        harness.WriteWorkspace(Manifests.With(startupScript: "false"));
        await harness.StartServerAsync();
        harness.StartAgent();

        Assert.Equal(["starting", "start_error"], await harness.WaitForLifecycleAsync("start_error"));
    }

    [Fact]
    public async Task Ready_NoScript_LogFilesArePrivate()
    {
        await using var harness = new IntegrationHarness();
        var logDirectory = harness.Combine("new", "logs");
        harness.WriteWorkspace(Manifests.With());
        await harness.StartServerAsync();
        harness.StartAgent("--log-dir", logDirectory);

        var states = await harness.WaitForLifecycleAsync("ready");

        Assert.Equal(["starting", "ready"], states);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(logDirectory));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Join(logDirectory, "agent.log")));
    }
}
