using Agent.Reactive.Protocol;
using Agent.Runtime.ControlPlane;
using Agent.Runtime.ControlPlane.Server;
using Agent.Runtime.ControlPlane.Persistence;
using Agent.Specs.Fakes.ControlPlane;
using Agent.Specs.Utilities;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agent.Specs.Integration;

/// <summary>
/// The real agent, and an embedded control plane run inside the spec so that what each incarnation stored can
/// be read after it stopped: the control plane goes away while the startup script is still writing.
/// </summary>
[Trait("Category", "Integration")]
public sealed class ControlPlaneOutageIntegrationSpecs
{
    private const int Lines = 100;

    [Fact]
    public async Task ControlPlaneStoppedDuringTheStartupScript_ScriptRanOnce_NoLineLostOrDoubled_ReadyArrives()
    {
        await using var harness = new IntegrationHarness();
        var marker = harness.Combine("startup-ran");
        harness.WriteWorkspace(Manifests.With(
            startupScript: $"echo ran >> '{marker}'; for i in $(seq 1 {Lines}); do echo line-$i; sleep 0.1; done"));
        var workspace = WorkspaceDefinition.Load(harness.WorkspaceFile);

        var first = await StartAsync(workspace, harness.Port);
        var agent = harness.StartAgent();
        await Eventually.WaitAsync(() => Logs(first).Count >= 10, $"the first lines to arrive\n{agent.Output}");
        await first.StopAsync();
        var beforeOutage = Logs(first);
        await agent.WaitForOutputAsync("Lost the control plane");

        await using var second = await StartAsync(workspace, harness.Port);
        await Eventually.WaitAsync(
            () => Agent(second).Lifecycle() is { Count: > 0 } states && states[^1].State == LifecycleState.Ready,
            $"ready on the restarted control plane\n{agent.Output}");

        var all = beforeOutage.Concat(Logs(second)).ToList();
        Assert.Equal(Enumerable.Range(1, Lines).Select(i => $"line-{i}"), all);
        Assert.Equal(["ran"], await File.ReadAllLinesAsync(marker));
        Assert.InRange(beforeOutage.Count, 10, Lines - 1);
        await first.DisposeAsync();
    }

    private static async Task<ControlPlaneServer> StartAsync(WorkspaceDefinition workspace, int port)
    {
        // Each incarnation on an empty database of its own, so that what each stored can be told apart.
        var server = (await PersistentControlPlane.CreateAsync(
            workspace, new ControlPlaneOptions { Address = $"127.0.0.1:{port}" }, new FakeControlPlaneDatabase(), NullLoggerFactory.Instance, CancellationToken.None)).Server;
        await server.StartAsync(CancellationToken.None);
        return server;
    }

    private static ControlPlaneAgent Agent(ControlPlaneServer server) => server.Store.FindByName(IntegrationHarness.AgentName)!;

    private static List<string> Logs(ControlPlaneServer server)
        => Agent(server).Logs(LogSources.Startup).Select(log => log.Output).ToList();
}
