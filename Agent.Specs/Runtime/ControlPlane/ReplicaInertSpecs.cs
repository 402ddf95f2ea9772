using System.Net;
using Agent.Reactive.Statistics;
using Agent.Runtime.ControlPlane;
using Agent.Runtime.ControlPlane.Persistence;
using Agent.Runtime.Relay.Endpoint;
using Agent.Runtime.Relay.Yamux;
using Agent.Specs.Fakes.ControlPlane;
using Agent.Specs.Utilities;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agent.Specs.Runtime.ControlPlane;

/// <summary>A control plane whose database belongs to one process (SQLite): no claims, no peers, as before replicas.</summary>
public sealed class ReplicaInertSpecs
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task NotSharedDatabase_ARelayAttaches_NothingClaimed_AndNoCredentialsPassAsAReplica()
    {
        var replicas = new FakeReplicaStore(TimeProvider.System) { IsShared = false };
        using var deadline = new CancellationTokenSource(Deadline);
        await using var controlPlane = await PersistentControlPlane.CreateAsync(
            ControlPlaneHarness.Workspace(), new ControlPlaneOptions { Address = "127.0.0.1:0" }, new FakeControlPlaneDatabase(replicas), NullLoggerFactory.Instance, deadline.Token);
        await controlPlane.StartAsync(null, deadline.Token);
        var connector = new RelayConnector(controlPlane.Server.Address, ControlPlaneHarness.MainToken.ToString(), new RelayServices(), new AgentCounters(), new YamuxOptions(), NullLoggerFactory.Instance);
        await using var link = await connector.ConnectAsync(deadline.Token);
        await Eventually.WaitAsync(() => controlPlane.Server.Relays.IsConnected("main"), "the relay to attach", Deadline);

        using var http = new HttpClient { BaseAddress = controlPlane.Server.Address, Timeout = Deadline };
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/v2/replicas/streams/main?port=1");
        request.Headers.Add(ReplicaCredentials.IdHeader, controlPlane.Replica.Id.ToString("D"));
        request.Headers.Add(ReplicaCredentials.TokenHeader, controlPlane.Replica.Token);
        using var response = await http.SendAsync(request, deadline.Token);

        Assert.Null(await replicas.RelayOwnerAsync("main", TimeSpan.FromMinutes(1), CancellationToken.None));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
