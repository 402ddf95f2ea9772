namespace Agent.Specs.Integration;

[Trait("Category", "Integration")]
public sealed class ShutdownIntegrationSpecs
{
    [Fact]
    public async Task Sigterm_RunsShutdownScriptOnce_ReportsOffAndExits()
    {
        await using var harness = new IntegrationHarness();
        var marker = harness.Combine("shutdown-ran");
        harness.WriteWorkspace(Manifests.With(shutdownScript: $"echo this-is-shutdown; echo ran >> '{marker}'"));
        await harness.StartServerAsync();
        var agent = harness.StartAgent();
        await harness.WaitForLifecycleAsync("ready");

        agent.Signal("TERM");

        Assert.Equal(0, await agent.WaitForExitAsync());
        Assert.Equal(["starting", "ready", "shutting_down", "off"], await harness.LifecycleStatesAsync());
        Assert.Equal(["this-is-shutdown"], await harness.LogLinesAsync("shutdown"));
        Assert.Equal("this-is-shutdown\n", await File.ReadAllTextAsync(Path.Join(harness.LogDirectory, "agent-shutdown-script.log")));
        Assert.Equal(["ran"], await File.ReadAllLinesAsync(marker));
    }

    [Fact]
    public async Task ShuttingDown_ReportedWhileTheScriptRuns()
    {
        await using var harness = new IntegrationHarness();
        harness.WriteWorkspace(Manifests.With(shutdownScript: "sleep 5"));
        await harness.StartServerAsync();
        var agent = harness.StartAgent();
        await harness.WaitForLifecycleAsync("ready");

        agent.Signal("TERM");

        Assert.Equal(["starting", "ready", "shutting_down"], await harness.WaitForLifecycleAsync("shutting_down"));
        await harness.WaitForLifecycleAsync("off");
        Assert.Equal(0, await agent.WaitForExitAsync());
    }

    [Fact]
    public async Task ShutdownTimeout_ScriptKeepsRunning_ThenOff()
    {
        await using var harness = new IntegrationHarness();
        harness.WriteWorkspace(Manifests.With(shutdownScript: "sleep 1", shutdownTimeout: TimeSpan.FromTicks(1)));
        await harness.StartServerAsync();
        var agent = harness.StartAgent();
        await harness.WaitForLifecycleAsync("ready");

        agent.Signal("TERM");

        Assert.Equal(0, await agent.WaitForExitAsync());
        Assert.Equal(["starting", "ready", "shutting_down", "shutdown_timeout", "off"], await harness.LifecycleStatesAsync());
    }

    [Fact]
    public async Task ShutdownError_FailingScript()
    {
        await using var harness = new IntegrationHarness();
        harness.WriteWorkspace(Manifests.With(shutdownScript: "false"));
        await harness.StartServerAsync();
        var agent = harness.StartAgent();
        await harness.WaitForLifecycleAsync("ready");

        agent.Signal("TERM");

        Assert.Equal(0, await agent.WaitForExitAsync());
        Assert.Equal(["starting", "ready", "shutting_down", "shutdown_error"], await harness.LifecycleStatesAsync());
    }

    [Fact]
    public async Task SecondSignal_StopsAtOnce()
    {
        await using var harness = new IntegrationHarness();
        harness.WriteWorkspace(Manifests.With(shutdownScript: "sleep 60"));
        await harness.StartServerAsync();
        var agent = harness.StartAgent();
        await harness.WaitForLifecycleAsync("ready");

        agent.Signal("TERM");
        await harness.WaitForLifecycleAsync("shutting_down");
        agent.Signal("TERM");

        Assert.Equal(1, await agent.WaitForExitAsync(TimeSpan.FromSeconds(15)));
    }
}
