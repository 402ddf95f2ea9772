using Agent.Reactive.Statistics;
using Agent.Runtime.ControlPlaneClient;
using Agent.Runtime.Relay.Endpoint;
using Agent.Runtime.Relay.Yamux;
using Agent.Specs.Runtime.ControlPlane;
using Agent.Specs.Utilities;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agent.Specs.Runtime.Relay.Endpoint;

/// <summary>The relay connector given two control planes: it dials the current one, and its link ends when the session moves.</summary>
public sealed class RelayFollowsSessionSpecs
{
    [Fact]
    public async Task Connect_SessionMovesToTheOtherControlPlane_LinkEndsNamingItAndTheNextLinkGoesThere()
    {
        await using var first = await ControlPlaneHarness.StartAsync();
        await using var second = await ControlPlaneHarness.StartAsync();
        var controlPlanes = new ControlPlaneEndpoints([first.Address, second.Address]);
        var connector = new RelayConnector(
            controlPlanes, ControlPlaneHarness.MainToken.ToString(), new RelayServices(), new AgentCounters(), new YamuxOptions(), NullLoggerFactory.Instance);

        await using (var link = await connector.ConnectAsync(CancellationToken.None).WaitAsync(ControlPlaneHarness.Deadline))
        {
            await Eventually.WaitAsync(() => first.Server.Relays.IsConnected("main"), "the relay on the first control plane", ControlPlaneHarness.Deadline);
            controlPlanes.Use(0);
            Assert.False(link.Completion.IsCompleted, "choosing the same control plane again is no move");

            controlPlanes.Use(1);

            var ended = await Assert.ThrowsAsync<IOException>(() => link.Completion.WaitAsync(ControlPlaneHarness.Deadline));
            Assert.Equal($"the agent's session moved to {second.Address.GetLeftPart(UriPartial.Authority)}; the relay follows it", ended.Message);
        }

        await using var next = await connector.ConnectAsync(CancellationToken.None).WaitAsync(ControlPlaneHarness.Deadline);
        await Eventually.WaitAsync(() => second.Server.Relays.IsConnected("main"), "the relay on the second control plane", ControlPlaneHarness.Deadline);
        await Eventually.WaitAsync(() => !first.Server.Relays.IsConnected("main"), "the first control plane to see the relay gone", ControlPlaneHarness.Deadline);
    }
}
