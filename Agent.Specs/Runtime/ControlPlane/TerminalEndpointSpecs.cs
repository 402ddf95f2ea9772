using System.Net;
using System.Net.WebSockets;
using System.Reactive.Concurrency;
using System.Text;
using Agent.Reactive.Effects;
using Agent.Reactive.Statistics;
using Agent.Runtime.Relay.Endpoint;
using Agent.Runtime.Relay.Yamux;
using Agent.Runtime.Terminal;
using Agent.Specs.Fakes.Terminal;
using Agent.Specs.Utilities;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agent.Specs.Runtime.ControlPlane;

public sealed class TerminalEndpointSpecs : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);
    private readonly TerminalHarness _terminal = new(DefaultScheduler.Instance);
    private ControlPlaneHarness? _harness;
    private IRelayLink? _link;

    // xunit 2 disposes a test class through IAsyncLifetime (or IDisposable), never through IAsyncDisposable:
    // as IAsyncDisposable this never ran, and the agent it started outlived the run.
    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_link is not null)
            await _link.DisposeAsync();
        _terminal.Dispose();
        if (_harness is not null)
            await _harness.DisposeAsync();
    }

    [Fact]
    public async Task Pty_WithoutAToken_Is401()
    {
        var harness = await StartAsync();

        using var response = await harness.User(string.Empty).GetAsync("/api/v2/workspaceagents/main/pty?reconnect=x");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Pty_AgentWithoutRelay_Is502()
    {
        var harness = await StartAsync();

        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Coder-Session-Token", ControlPlaneHarness.UserToken);
        socket.Options.CollectHttpResponseDetails = true;
        var url = new Uri($"ws://{harness.Address.Authority}/api/v2/workspaceagents/other/pty?reconnect=x");

        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(url, CancellationToken.None).WaitAsync(Deadline));

        Assert.Equal(HttpStatusCode.BadGateway, socket.HttpStatusCode);
        Assert.Equal("agent other is not connected to the relay", socket.HttpResponseHeaders!["X-Relay-Error"].Single());
    }

    [Fact]
    public async Task Pty_NotAWebSocket_Is400()
    {
        var harness = await StartAsync();

        using var response = await harness.User().GetAsync("/api/v2/workspaceagents/main/pty?reconnect=x");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Pty_WebSocket_CarriesInputResizesAndOutputUntilTheProcessExits()
    {
        var harness = await StartAsync();
        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Coder-Session-Token", ControlPlaneHarness.UserToken);
        var url = new Uri($"ws://{harness.Address.Authority}/api/v2/workspaceagents/main/pty?reconnect=r1&width=100&height=30&command=top");
        await socket.ConnectAsync(url, CancellationToken.None).WaitAsync(Deadline);
        await Eventually.WaitAsync(() => _terminal.Launcher.Started.Count == 1, "the terminal to start", Deadline);
        var process = _terminal.Launcher.Last;
        Assert.Equal("top", process.Spec.Command);
        Assert.Equal((ushort)100, process.Spec.Columns);

        await socket.SendAsync(Encoding.UTF8.GetBytes("{\"data\":\"q\"}{\"height\":40,"), WebSocketMessageType.Text, true, CancellationToken.None);
        await socket.SendAsync(Encoding.UTF8.GetBytes("\"width\":120}"), WebSocketMessageType.Binary, true, CancellationToken.None);
        await Eventually.WaitAsync(() => process.Input == "q" && process.Sizes.Contains(((ushort)120, (ushort)40)), "input and resize", Deadline);
        process.Emit("output\r\n");
        process.Exit(0);

        var received = new MemoryStream();
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(Deadline);
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, timeout.Token);
            if (result.MessageType == WebSocketMessageType.Close)
                break;
            Assert.Equal(WebSocketMessageType.Binary, result.MessageType);
            received.Write(buffer, 0, result.Count);
        }

        Assert.Equal("output\r\n", Encoding.UTF8.GetString(received.ToArray()));
        Assert.Equal(WebSocketCloseStatus.NormalClosure, socket.CloseStatus);
    }

    [Fact]
    public async Task Pty_QueryToken_IsAccepted()
    {
        var harness = await StartAsync();
        using var socket = new ClientWebSocket();
        var url = new Uri($"ws://{harness.Address.Authority}/api/v2/workspaceagents/main/pty?reconnect=r2&coder_session_token={ControlPlaneHarness.UserToken}");

        await socket.ConnectAsync(url, CancellationToken.None).WaitAsync(Deadline);

        await Eventually.WaitAsync(() => _terminal.Sessions.Ids.Contains("r2"), "the terminal to start", Deadline);
    }

    [Theory]
    [InlineData("http://evil.example")]
    [InlineData("null")]
    [InlineData("http://127.0.0.1:1")]
    public async Task Pty_QueryTokenFromAForeignOrigin_Is403AndNoTerminalStarts(string origin)
    {
        var harness = await StartAsync();
        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Origin", origin);
        socket.Options.CollectHttpResponseDetails = true;
        var url = new Uri($"ws://{harness.Address.Authority}/api/v2/workspaceagents/main/pty?reconnect=r3&command=sh&coder_session_token={ControlPlaneHarness.UserToken}");

        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(url, CancellationToken.None).WaitAsync(Deadline));

        Assert.Equal(HttpStatusCode.Forbidden, socket.HttpStatusCode);
        Assert.Empty(_terminal.Launcher.Started);
    }

    [Fact]
    public async Task Pty_QueryTokenFromItsOwnOrigin_IsAccepted()
    {
        var harness = await StartAsync();
        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Origin", $"http://{harness.Address.Authority}");
        var url = new Uri($"ws://{harness.Address.Authority}/api/v2/workspaceagents/main/pty?reconnect=r4&coder_session_token={ControlPlaneHarness.UserToken}");

        await socket.ConnectAsync(url, CancellationToken.None).WaitAsync(Deadline);

        await Eventually.WaitAsync(() => _terminal.Sessions.Ids.Contains("r4"), "the terminal to start", Deadline);
    }

    [Fact]
    public async Task TerminalPage_ServesTheBundledXtermWithoutExternalUrls()
    {
        var harness = await StartAsync();

        var page = await harness.User().GetStringAsync("/terminal?agent=main");
        var xterm = await harness.User().GetStringAsync("/terminal/xterm.js");
        var fit = await harness.User().GetStringAsync("/terminal/addon-fit.js");
        var css = await harness.User().GetStringAsync("/terminal/xterm.css");
        var script = await harness.User().GetStringAsync("/terminal/terminal.js");

        Assert.DoesNotContain("http", page, StringComparison.Ordinal);
        Assert.Contains("/terminal/xterm.js", page, StringComparison.Ordinal);
        Assert.Contains("Terminal", xterm, StringComparison.Ordinal);
        Assert.Contains("FitAddon", fit, StringComparison.Ordinal);
        Assert.Contains(".xterm", css, StringComparison.Ordinal);
        Assert.Contains("/pty?", script, StringComparison.Ordinal);
    }

    private async Task<ControlPlaneHarness> StartAsync()
    {
        _harness = await ControlPlaneHarness.StartAsync();
        var server = new TerminalServer(_terminal.Sessions, TerminalServerOptions.Default, new RecordingLogger());
        var services = new RelayServices { ReconnectingPty = server.ServeAsync };
        var connector = new RelayConnector(_harness.Address, ControlPlaneHarness.MainToken.ToString(), services, new AgentCounters(), new YamuxOptions(), NullLoggerFactory.Instance);
        _link = await connector.ConnectAsync(CancellationToken.None).WaitAsync(Deadline);
        await Eventually.WaitAsync(() => _harness.Server.Relays.IsConnected("main"), "the relay to attach", Deadline);
        return _harness;
    }
}
