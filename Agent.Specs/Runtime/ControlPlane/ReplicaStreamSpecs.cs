using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using Agent.Reactive.Effects;
using Agent.Reactive.Statistics;
using Agent.Runtime.ControlPlane;
using Agent.Runtime.ControlPlane.Persistence;
using Agent.Runtime.Relay;
using Agent.Runtime.Relay.Endpoint;
using Agent.Runtime.Relay.Yamux;
using Agent.Specs.Fakes.ControlPlane;
using Agent.Specs.Utilities;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agent.Specs.Runtime.ControlPlane;

/// <summary>
/// Two control planes in process as replicas of one (fake) database, the agent's relay on A: streams opened through B
/// go through A's replica endpoint, which serves only real, live peers and never a browser.
/// </summary>
public sealed class ReplicaStreamSpecs : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    private readonly FakeReplicaStore _replicas = new(TimeProvider.System);
    private readonly List<ILoggerFactory> _factories = [];
    private readonly CapturingLoggerProvider _logsA = new();
    private readonly CapturingLoggerProvider _logsB = new();
    private PersistentControlPlane _a = null!;
    private PersistentControlPlane _b = null!;
    private IRelayLink _link = null!;
    private TcpListener? _echo;

    public async Task InitializeAsync()
    {
        _a = await StartReplicaAsync(_logsA, new ControlPlaneOptions { MaxReplicaConnections = 1 });
        _b = await StartReplicaAsync(_logsB, new ControlPlaneOptions());
        var connector = new RelayConnector(_a.Server.Address, ControlPlaneHarness.MainToken.ToString(), new RelayServices(), new AgentCounters(), new YamuxOptions(), NullLoggerFactory.Instance);
        _link = await connector.ConnectAsync(CancellationToken.None).WaitAsync(Deadline);
        await Eventually.WaitAsync(
            async () => await _replicas.RelayOwnerAsync("main", TimeSpan.FromSeconds(15), CancellationToken.None),
            owner => owner?.Id == _a.Replica.Id,
            "A to claim the relay",
            Deadline);
    }

    public async Task DisposeAsync()
    {
        _echo?.Stop();
        await _link.DisposeAsync();
        await _b.DisposeAsync();
        await _a.DisposeAsync();
        foreach (var factory in _factories)
            factory.Dispose();
    }

    [Fact]
    public async Task Connect_ThroughTheReplicaWithoutTheRelay_ForwardedToTheOwnerAndCarriesBytesBothWays()
    {
        var port = StartEcho();
        using var socket = await ConnectUserAsync(_b, port);

        await socket.SendAsync("hello replica"u8.ToArray(), WebSocketMessageType.Binary, true, CancellationToken.None);
        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);

        Assert.Equal("hello replica", await ReadToEndAsync(socket));
        Assert.Contains(_logsB.Entries, entry => entry.EventId.Id == 6613);
        Assert.Contains(_logsA.Entries, entry => entry.EventId.Id == 6616);
    }

    [Fact]
    public async Task Connect_ThroughTheReplicaThatHoldsTheRelay_OpenedHereNotForwarded()
    {
        var port = StartEcho();
        using var socket = await ConnectUserAsync(_a, port);

        await socket.SendAsync("local"u8.ToArray(), WebSocketMessageType.Binary, true, CancellationToken.None);
        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);

        Assert.Equal("local", await ReadToEndAsync(socket));
        Assert.DoesNotContain(_logsA.Entries, entry => entry.EventId.Id is 6613 or 6616);
    }

    [Fact]
    public async Task Connect_TheAgentRefusesThePort_TheClientOfBGetsTheOwnersStatusAndReason()
    {
        var closed = FreePort.Next();

        var (direct, directReason) = await RefusedAsync(_a, closed);
        var (forwarded, forwardedReason) = await RefusedAsync(_b, closed);

        Assert.Equal(HttpStatusCode.BadGateway, direct);
        Assert.Equal(direct, forwarded);
        Assert.False(string.IsNullOrEmpty(directReason));
        Assert.Equal(directReason, forwardedReason);
    }

    [Fact]
    public async Task ReplicaStream_WithTheRealCredentialsOfB_IsServed()
    {
        var port = StartEcho();
        using var socket = await ConnectReplicaAsync(_a, port, Credentials(_b));

        Assert.Equal(WebSocketState.Open, socket.State);
    }

    [Fact]
    public async Task ReplicaStream_FromAWebPageOfTheSameOrigin_Refused403()
    {
        var status = await ReplicaStatusAsync(_a, Credentials(_b), ("Origin", $"http://{_a.Server.Address.Authority}"));

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Contains(_logsA.Entries, entry => entry.EventId.Id == 6615);
    }

    [Fact]
    public async Task ReplicaStream_WithACookie_Refused403()
    {
        var status = await ReplicaStatusAsync(_a, Credentials(_b), ("Cookie", $"coder_session_token={ControlPlaneHarness.UserToken}"));

        Assert.Equal(HttpStatusCode.Forbidden, status);
    }

    [Fact]
    public async Task ReplicaStream_WithAUserOrAnAgentToken_Refused401()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, await ReplicaStatusAsync(_a, [("Coder-Session-Token", ControlPlaneHarness.UserToken)]));
        Assert.Equal(HttpStatusCode.Unauthorized, await ReplicaStatusAsync(_a, [("Coder-Session-Token", ControlPlaneHarness.MainToken.ToString())]));
        Assert.Equal(HttpStatusCode.Unauthorized, await ReplicaStatusAsync(_a, Credentials(_b.Replica.Id, ControlPlaneHarness.UserToken)));
        Assert.Equal(HttpStatusCode.Unauthorized, await ReplicaStatusAsync(_a, Credentials(_b.Replica.Id, ControlPlaneHarness.MainToken.ToString())));
    }

    [Fact]
    public async Task ReplicaStream_AForgedReplicaId_Refused401()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, await ReplicaStatusAsync(_a, Credentials(Guid.NewGuid(), _b.Replica.Token)));
        Assert.Equal(HttpStatusCode.Unauthorized, await ReplicaStatusAsync(_a, Credentials(_b.Replica.Id, _a.Replica.Token)));
    }

    [Fact]
    public async Task ReplicaStream_GuessedTokens_Each401AndItsConnectionClosed()
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = Deadline };
        for (var attempt = 0; attempt < 20; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_a.Server.Address, "api/v2/replicas/streams/main?port=1"));
            foreach (var (name, value) in Credentials(_b.Replica.Id, $"guess-{attempt}"))
                request.Headers.Add(name, value);
            using var response = await http.SendAsync(request);

            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.True(response.Headers.ConnectionClose, "a wrong guess costs the guesser its connection");
        }
    }

    [Fact]
    public async Task ReplicaStream_ReplicasPoolFull_TheNextReplicaRefused503_UsersStillServed()
    {
        var port = StartEcho();
        using var first = await ConnectReplicaAsync(_a, port, Credentials(_b));

        var second = await ReplicaStatusAsync(_a, Credentials(_b));
        using var user = await ConnectUserAsync(_a, port);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, second);
        Assert.Equal(WebSocketState.Open, user.State);
        Assert.Contains(_logsA.Entries, entry => entry.EventId.Id == 6617);
    }

    private static (string, string)[] Credentials(PersistentControlPlane replica) => Credentials(replica.Replica.Id, replica.Replica.Token);

    private static (string, string)[] Credentials(Guid id, string token) => [(ReplicaCredentials.IdHeader, id.ToString("D")), (ReplicaCredentials.TokenHeader, token)];

    private static async Task<ClientWebSocket> ConnectReplicaAsync(PersistentControlPlane to, int port, IEnumerable<(string Name, string Value)> headers)
    {
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        foreach (var (name, value) in headers)
            socket.Options.SetRequestHeader(name, value);
        await socket.ConnectAsync(new Uri($"ws://{to.Server.Address.Authority}/api/v2/replicas/streams/main?port={port}"), CancellationToken.None).WaitAsync(Deadline);
        return socket;
    }

    private static async Task<HttpStatusCode> ReplicaStatusAsync(PersistentControlPlane to, IEnumerable<(string Name, string Value)> headers, params (string Name, string Value)[] more)
    {
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        foreach (var (name, value) in headers.Concat(more))
            socket.Options.SetRequestHeader(name, value);
        using (socket)
        {
            try
            {
                await socket.ConnectAsync(new Uri($"ws://{to.Server.Address.Authority}/api/v2/replicas/streams/main?port=1"), CancellationToken.None).WaitAsync(Deadline);
            }
            catch (WebSocketException)
            {
            }

            return socket.HttpStatusCode;
        }
    }

    private static async Task<ClientWebSocket> ConnectUserAsync(PersistentControlPlane to, int port)
    {
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Coder-Session-Token", ControlPlaneHarness.UserToken);
        await socket.ConnectAsync(new Uri($"ws://{to.Server.Address.Authority}/api/v2/workspaceagents/main/connect?port={port}"), CancellationToken.None).WaitAsync(Deadline);
        return socket;
    }

    private static async Task<(HttpStatusCode Status, string? Reason)> RefusedAsync(PersistentControlPlane to, int port)
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.SetRequestHeader("Coder-Session-Token", ControlPlaneHarness.UserToken);
        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(new Uri($"ws://{to.Server.Address.Authority}/api/v2/workspaceagents/main/connect?port={port}"), CancellationToken.None).WaitAsync(Deadline));
        var reason = socket.HttpResponseHeaders is { } headers && headers.TryGetValue(RelayHandshake.ErrorHeader, out var values) ? string.Join("; ", values) : null;
        return (socket.HttpStatusCode, reason);
    }

    private static async Task<string> ReadToEndAsync(ClientWebSocket socket)
    {
        var received = new MemoryStream();
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(Deadline);
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, timeout.Token);
            if (result.MessageType == WebSocketMessageType.Close)
                return Encoding.UTF8.GetString(received.ToArray());
            received.Write(buffer, 0, result.Count);
        }
    }

    private async Task<PersistentControlPlane> StartReplicaAsync(CapturingLoggerProvider logs, ControlPlaneOptions options)
    {
        var factory = LoggerFactory.Create(builder => builder.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        _factories.Add(factory);
        using var deadline = new CancellationTokenSource(Deadline);
        var controlPlane = await PersistentControlPlane.CreateAsync(
            ControlPlaneHarness.Workspace(), options with { Address = "127.0.0.1:0" }, new FakeControlPlaneDatabase(_replicas), factory, deadline.Token);
        await controlPlane.StartAsync(null, deadline.Token);
        return controlPlane;
    }

    // Echoes each connection until the client's end of data, then closes its side.
    private int StartEcho()
    {
        _echo = new TcpListener(IPAddress.Loopback, 0);
        _echo.Start();
        var listener = _echo;
        _ = Task.Run(async () =>
        {
            while (true)
            {
                var client = await listener.AcceptTcpClientAsync();
                _ = Task.Run(async () =>
                {
                    using (client)
                    {
                        var stream = client.GetStream();
                        await stream.CopyToAsync(stream);
                        client.Client.Shutdown(SocketShutdown.Send);
                    }
                });
            }
        });
        return ((IPEndPoint)_echo.LocalEndpoint).Port;
    }
}
