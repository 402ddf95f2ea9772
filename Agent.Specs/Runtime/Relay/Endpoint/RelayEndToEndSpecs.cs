using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using Agent.Reactive.Effects;
using Agent.Reactive.Statistics;
using Agent.Runtime.Relay;
using Agent.Runtime.Relay.Endpoint;
using Agent.Runtime.Relay.Yamux;
using Agent.Specs.Runtime.ControlPlane;
using Agent.Specs.Utilities;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agent.Specs.Runtime.Relay.Endpoint;

/// <summary>The agent's relay connector against the real embedded control plane, in process: routing, refusals, failures.</summary>
public sealed class RelayEndToEndSpecs : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    private readonly AgentCounters _counters = new();
    private readonly CapturingLoggerProvider _agentLogs = new();
    private ILoggerFactory _agentLoggerFactory = null!;
    private ControlPlaneHarness _harness = null!;
    private IRelayLink _link = null!;
    private TcpListener? _echo;

    public async Task InitializeAsync()
    {
        _harness = await ControlPlaneHarness.StartAsync();
        _agentLoggerFactory = LoggerFactory.Create(builder => builder.SetMinimumLevel(LogLevel.Trace).AddProvider(_agentLogs));
        var serviceLogger = _agentLoggerFactory.CreateLogger("Specs.SshService");
        var services = new RelayServices
        {
            Ssh = async (stream, cancellationToken) =>
            {
                serviceLogger.LogInformation("the SSH service serves a stream");
                await stream.WriteAsync("SSH-2.0-fake\r\n"u8.ToArray(), cancellationToken);
            },
        };
        var connector = new RelayConnector(_harness.Address, ControlPlaneHarness.MainToken.ToString(), services, _counters, new YamuxOptions(), _agentLoggerFactory);
        _link = await connector.ConnectAsync(CancellationToken.None).WaitAsync(Deadline);
        await Eventually.WaitAsync(() => _harness.Server.Relays.IsConnected("main"), "the relay to attach", Deadline);
    }

    public async Task DisposeAsync()
    {
        _echo?.Stop();
        await _link.DisposeAsync();
        await _harness.DisposeAsync();
        _agentLoggerFactory.Dispose();
    }

    [Fact]
    public async Task Relay_ANewerRelayOfTheSameAgent_ReplacesTheOlderWithAWarningAndAnEvent()
    {
        using var deadline = new CancellationTokenSource(Deadline);
        using var http = _harness.User();
        using var events = await http.GetAsync("api/v2/workspaceagents/main/events", HttpCompletionOption.ResponseHeadersRead, deadline.Token);
        using var reader = new StreamReader(await events.Content.ReadAsStreamAsync(deadline.Token));
        var connector = new RelayConnector(_harness.Address, ControlPlaneHarness.MainToken.ToString(), new RelayServices(), new AgentCounters(), new YamuxOptions(), NullLoggerFactory.Instance);

        await using var newer = await connector.ConnectAsync(deadline.Token);
        string? line;
        do
        {
            line = await reader.ReadLineAsync(deadline.Token);
        }
        while (line is not null && !(line.StartsWith("data: {\"type\":\"relay\"", StringComparison.Ordinal) && line.Contains("replaced", StringComparison.Ordinal)));

        Assert.NotNull(line);
        Assert.Contains("\"state\":\"connected\"", line, StringComparison.Ordinal);
        Assert.Matches("a newer relay from 127\\.0\\.0\\.1:\\d+ replaced the one from 127\\.0\\.0\\.1:\\d+", line);
        Assert.Contains(_harness.Logs.Messages, message => message.StartsWith("Warning", StringComparison.Ordinal) && message.Contains("A newer relay of agent main from 127.0.0.1:", StringComparison.Ordinal));
        Assert.True(_harness.Server.Relays.IsConnected("main"), "the newer relay serves the agent");
    }

    [Fact]
    public async Task Connect_ForwardedPort_CarriesBytesBothWaysWithHalfClose()
    {
        var port = StartEcho();
        using var socket = await ConnectAsync(port);

        await socket.SendAsync("hello relay"u8.ToArray(), WebSocketMessageType.Binary, true, CancellationToken.None);
        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
        var (received, status) = await ReadToEndAsync(socket);

        Assert.Equal("hello relay", received);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, status);
        await Eventually.WaitAsync(() => _counters.Totals().ConnectionsByProtocol.GetValueOrDefault("tcp") >= 1, "the connection to be counted", Deadline);
    }

    [Fact]
    public async Task Connect_ForwardedPort_ControlPlaneLogsTheStreamIdAndTheAgentWithAnEventId()
    {
        var port = StartEcho();
        using var socket = await ConnectAsync(port);

        var connected = await LoggedAsync(_harness.Logs, entry => entry.EventId.Id == 6063, "the client's connection logged");

        Assert.Equal(LogLevel.Debug, connected.Level);
        Assert.Equal("main", connected.Property("Agent"));
        Assert.Equal(port, connected.Property("Port"));
        var streamId = Assert.IsType<uint>(connected.Property("StreamId"));
        Assert.Equal($"Client connected to port {port} of agent main (stream {streamId})", connected.Message);
    }

    [Fact]
    public async Task Connect_AgentService_AgentLogsTheStreamIdWithAnEventIdAndTheServiceInItsScope()
    {
        using var socket = await ConnectAsync(RelayPorts.Ssh);

        var served = await LoggedAsync(_agentLogs, entry => entry.EventId.Id == 6022, "the stream handed to its service logged");
        var service = await LoggedAsync(_agentLogs, entry => entry.Message == "the SSH service serves a stream", "the service's own line");

        Assert.Equal("ssh", served.Property("Service"));
        var streamId = Assert.IsType<uint>(served.Property("StreamId"));
        Assert.Equal($"Relayed stream {streamId} to ssh", served.Message);
        Assert.Equal(1u, streamId % 2); // the control plane is the yamux client: it opens odd ids
        Assert.Equal(streamId, service.Property("StreamId"));
    }

    [Fact]
    public async Task Relay_Lost_TheControlPlanesYamuxLinesCarryTheAgent()
    {
        await _link.DisposeAsync();

        var ended = await LoggedAsync(_harness.Logs, entry => entry.EventId.Id is 6003 or 6004, "the control plane's yamux session to end");

        Assert.Equal("main", ended.Property("Agent"));
        Assert.StartsWith("yamux: session ended: ", ended.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_AgentService_ReachesIt()
    {
        using var socket = await ConnectAsync(RelayPorts.Ssh);

        var (received, _) = await ReadToEndAsync(socket);

        Assert.Equal("SSH-2.0-fake\r\n", received);
    }

    [Theory]
    [InlineData(5, "reserved for the agent")]
    [InlineData(RelayPorts.Speedtest, "does not serve speedtest")]
    public async Task Connect_PortNotServed_Is502WithTheAgentsReason(int port, string reason)
    {
        using var response = await _harness.User().SendAsync(UpgradeRequest(port));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains(reason, response.Headers.GetValues("X-Relay-Error").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_NothingListens_Is502Unreachable()
    {
        using var response = await _harness.User().SendAsync(UpgradeRequest(FreePort.Next()));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains("nothing answered on 127.0.0.1:", response.Headers.GetValues("X-Relay-Error").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_AgentWithoutRelay_Is502()
    {
        using var response = await _harness.User().SendAsync(UpgradeRequest(22, agent: "other"));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("agent other is not connected to the relay", response.Headers.GetValues("X-Relay-Error").Single());
    }

    [Theory]
    [InlineData("0", HttpStatusCode.BadRequest)]
    [InlineData("70000", HttpStatusCode.BadRequest)]
    [InlineData("x", HttpStatusCode.BadRequest)]
    public async Task Connect_BadPort_Is400(string port, HttpStatusCode expected)
    {
        using var response = await _harness.User().GetAsync($"/api/v2/workspaceagents/main/connect?port={port}");

        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task Connect_WithoutAUserToken_Is401()
    {
        using var response = await _harness.User(string.Empty).GetAsync("/api/v2/workspaceagents/main/connect?port=22");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Connect_RelayLost_OpenStreamClosesWithTheReason()
    {
        var port = StartEcho();
        using var socket = await ConnectAsync(port);

        await _link.DisposeAsync();
        var (_, status) = await ReadToEndAsync(socket);

        Assert.Equal(WebSocketCloseStatus.InternalServerError, status);
        Assert.False(string.IsNullOrEmpty(socket.CloseStatusDescription));
        await Eventually.WaitAsync(() => !_harness.Server.Relays.IsConnected("main"), "the relay to detach", Deadline);
    }

    [Fact]
    public async Task Summary_ShowsTheRelay()
    {
        var summary = await _harness.User().GetStringAsync("/api/v2/workspaceagents/main");

        Assert.Contains("\"relay\":\"connected\"", summary, StringComparison.Ordinal);
    }

    private static async Task<LogEntry> LoggedAsync(CapturingLoggerProvider logs, Func<LogEntry, bool> match, string what)
        => (await Eventually.WaitAsync(() => Task.FromResult(logs.Entries.Where(match).Cast<LogEntry?>().FirstOrDefault()), entry => entry is not null, what, Deadline))!.Value;

    private static HttpRequestMessage UpgradeRequest(int port, string agent = "main")
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v2/workspaceagents/{agent}/connect?port={port}");
        request.Headers.Add("Connection", "Upgrade");
        request.Headers.Add("Upgrade", "websocket");
        request.Headers.Add("Sec-WebSocket-Version", "13");
        request.Headers.Add("Sec-WebSocket-Key", Convert.ToBase64String(Guid.NewGuid().ToByteArray()));
        return request;
    }

    private static async Task<(string Text, WebSocketCloseStatus? Status)> ReadToEndAsync(ClientWebSocket socket)
    {
        var received = new MemoryStream();
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(Deadline);
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, timeout.Token);
            if (result.MessageType == WebSocketMessageType.Close)
                return (Encoding.UTF8.GetString(received.ToArray()), socket.CloseStatus);
            received.Write(buffer, 0, result.Count);
        }
    }

    private async Task<ClientWebSocket> ConnectAsync(int port)
    {
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Coder-Session-Token", ControlPlaneHarness.UserToken);
        await socket.ConnectAsync(new Uri($"ws://{_harness.Address.Authority}/api/v2/workspaceagents/main/connect?port={port}"), CancellationToken.None).WaitAsync(Deadline);
        return socket;
    }

    // One connection at a time: echoes until the client's end of data, then closes its side.
    private int StartEcho()
    {
        _echo = new TcpListener(IPAddress.Loopback, 0);
        _echo.Start();
        var listener = _echo;
        _ = Task.Run(async () =>
        {
            while (true)
            {
                using var client = await listener.AcceptTcpClientAsync();
                var stream = client.GetStream();
                await stream.CopyToAsync(stream);
                client.Client.Shutdown(SocketShutdown.Send);
            }
        });
        return ((IPEndPoint)_echo.LocalEndpoint).Port;
    }
}
