
using Agent.Specs.Utilities;

namespace Agent.Specs.Integration;

[Trait("Category", "Integration")]
public sealed class ReconnectIntegrationSpecs
{
    [Fact]
    public async Task ControlPlaneRestarted_AgentReconnectsAndReportsAgain()
    {
        await using var harness = new IntegrationHarness();
        harness.WriteWorkspace(Manifests.With(startupScript: "echo up"));
        var server = await harness.StartServerAsync();
        harness.StartAgent();
        await harness.WaitForLifecycleAsync("ready");

        server.Signal("KILL");
        await server.WaitForExitAsync();
        await harness.Agent!.WaitForOutputAsync("Lost the control plane");
        await harness.StartServerAsync();

        var agent = await Eventually.WaitAsync(
            async () => await harness.GetAsync(string.Empty),
            a => a.GetProperty("status").GetString() == "connected" && a.GetProperty("lifecycle_state").GetString() == "ready",
            "the agent to reconnect to the new control plane and report its state");
        Assert.StartsWith("v", agent.GetProperty("version").GetString(), StringComparison.Ordinal);
    }
}
