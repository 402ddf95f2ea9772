using Agent.Specs.Utilities;

namespace Agent.Specs.Integration;

/// <summary><c>agent server --database postgres://...</c> restarted under a real agent, on a private PostgreSQL.</summary>
[Trait("Category", "Integration")]
public sealed class ControlPlanePostgresRestartIntegrationSpecs(PostgresServer postgres) : IClassFixture<PostgresServer>
{
    [Fact]
    public async Task Server_OnPostgres_SigtermAndStartedAgain_AnswersFromTheDatabase_AgentCarriesOnWithoutRepeats()
    {
        await using var harness = new IntegrationHarness();
        harness.WriteWorkspace(Manifests.With(startupScript: "for i in $(seq 1 10); do echo line-$i; done"));
        var database = (await postgres.CreateDatabaseAsync()).ToString();
        var first = await harness.StartServerAsync("--database", database);
        var agent = harness.StartAgent();
        await harness.WaitForLifecycleAsync("ready");
        Assert.Equal(10, (await harness.LogLinesAsync()).Length);

        agent.Signal("STOP");
        first.Signal("TERM");
        Assert.Equal(0, await first.WaitForExitAsync());
        await harness.StartServerAsync("--database", database);

        Assert.Equal(["starting", "ready"], await harness.LifecycleStatesAsync());
        Assert.Equal(Lines(), await harness.LogLinesAsync());
        Assert.Equal("disconnected", (await harness.GetAsync(string.Empty)).GetProperty("status").GetString());
        Assert.False(Directory.Exists(harness.ServerDataDirectory));

        agent.Signal("CONT");
        await Eventually.WaitAsync(
            async () => (await harness.GetAsync(string.Empty)).GetProperty("status").GetString(),
            status => status == "connected",
            $"the agent to call the restarted control plane\n{agent.Output}");
        Assert.Equal(["starting", "ready"], await harness.LifecycleStatesAsync());
        Assert.Equal(Lines(), await harness.LogLinesAsync());
    }

    private static string[] Lines() => [.. Enumerable.Range(1, 10).Select(i => $"line-{i}")];
}
