using Agent.Reactive.Protocol;
using Agent.Specs.Runtime.ControlPlane;
using Microsoft.Extensions.Logging;

namespace Agent.Specs.Runtime.Http;

/// <summary>
/// What a web page can make a browser send to the embedded control plane on loopback, sent by real <c>curl</c>:
/// cross-origin WebSockets and event streams, "simple" cross-site POSTs, and DNS-rebound host names.
/// </summary>
public sealed class BrowserGuardsSpecs : IAsyncLifetime
{
    private const string Evil = "http://evil.example";
    private static readonly string[] Upgrade =
    [
        "-H", "Connection: Upgrade", "-H", "Upgrade: websocket", "-H", "Sec-WebSocket-Version: 13", "-H", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
    ];

    private ControlPlaneHarness _harness = null!;

    public async Task InitializeAsync() => _harness = await ControlPlaneHarness.StartAsync();

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Theory]
    [InlineData("/api/v2/workspaceagents/main/pty?reconnect=x&command=sh&coder_session_token=" + ControlPlaneHarness.UserToken)]
    [InlineData("/api/v2/workspaceagents/main/connect?port=22&coder_session_token=" + ControlPlaneHarness.UserToken)]
    [InlineData("/api/v2/workspaceagents/me/relay?coder_session_token=0b6a4c1e-8d2f-4e5a-9c3b-1a2b3c4d5e6f")]
    [InlineData("/api/v2/workspaceagents/main/pty?reconnect=x")]
    public async Task WebSocketUpgrade_ForeignOrigin_403BeforeAnythingElse(string path)
    {
        var result = await _harness.CurlAsync(path, [.. Upgrade, "-H", $"Origin: {Evil}"]);

        Assert.Equal(403, result.Status);
        Assert.Equal("Cross-origin request refused.", result.Message());
        Assert.False(_harness.Server.Relays.IsConnected("main"));
        var refusal = Assert.Single(_harness.Logs.Messages, message => message.Contains("Refused GET", StringComparison.Ordinal));
        Assert.Contains("from 127.0.0.1:", refusal, StringComparison.Ordinal);
        Assert.Contains(Evil, refusal, StringComparison.Ordinal);
        Assert.DoesNotContain(ControlPlaneHarness.UserToken, refusal, StringComparison.Ordinal);
        Assert.DoesNotContain(ControlPlaneHarness.MainToken.ToString(), refusal, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WebSocketUpgrade_ForeignOrigin_LoggedAsWarningWithEventId1001()
    {
        await _harness.CurlAsync("/api/v2/workspaceagents/main/pty?reconnect=x", [.. Upgrade, "-H", $"Origin: {Evil}"]);

        var refusal = Assert.Single(_harness.Logs.Entries, entry => entry.Message.Contains("Refused GET", StringComparison.Ordinal));
        Assert.Equal((LogLevel.Warning, 1001), (refusal.Level, refusal.EventId.Id));
    }

    [Fact]
    public async Task WebSocketUpgrade_APageLoopingForeignOrigins_OneLogLineNotOnePerRequest()
    {
        for (var i = 0; i < 20; i++)
            Assert.Equal(403, (await _harness.CurlAsync("/api/v2/workspaceagents/main/pty?reconnect=x", [.. Upgrade, "-H", $"Origin: {Evil}"])).Status);

        Assert.Single(_harness.Logs.Messages, message => message.Contains("Refused GET", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("null")]
    [InlineData("file://")]
    [InlineData("http://127.0.0.1:1")]
    [InlineData("http://localhost")]
    public async Task WebSocketUpgrade_OriginNullOrAnotherLocalOrigin_403(string origin)
    {
        var result = await _harness.CurlAsync("/api/v2/workspaceagents/main/connect?port=22", [.. Upgrade, "-H", $"Origin: {origin}", "-H", $"Coder-Session-Token: {ControlPlaneHarness.UserToken}"]);

        Assert.Equal(403, result.Status);
    }

    [Fact]
    public async Task WebSocketUpgrade_NoOriginOrItsOwn_ReachesTheEndpoint()
    {
        string[] token = ["-H", $"Coder-Session-Token: {ControlPlaneHarness.UserToken}"];

        var none = await _harness.CurlAsync("/api/v2/workspaceagents/main/connect?port=22", [.. Upgrade, .. token]);
        var own = await _harness.CurlAsync("/api/v2/workspaceagents/main/connect?port=22", [.. Upgrade, .. token, "-H", $"Origin: http://{_harness.Address.Authority}"]);

        // No relay in this harness: the endpoint itself answers that the agent is not connected.
        Assert.Equal((502, 502), (none.Status, own.Status));
    }

    [Theory]
    [InlineData(Evil)]
    [InlineData("null")]
    public async Task EventStream_ForeignOrigin_403(string origin)
    {
        var result = await _harness.CurlAsync($"/api/v2/workspaceagents/main/events?coder_session_token={ControlPlaneHarness.UserToken}", "-H", $"Origin: {origin}");

        Assert.Equal(403, result.Status);
    }

    [Fact]
    public async Task EventStream_OwnOriginOrNone_Streams()
    {
        using var http = _harness.User();
        using var own = new HttpRequestMessage(HttpMethod.Get, "api/v2/workspaceagents/main/events");
        own.Headers.Add("Origin", $"http://{_harness.Address.Authority}");

        using var withOrigin = await http.SendAsync(own, HttpCompletionOption.ResponseHeadersRead);
        using var without = await http.GetAsync("api/v2/workspaceagents/main/events", HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal("text/event-stream", withOrigin.Content.Headers.ContentType?.MediaType);
        Assert.Equal("text/event-stream", without.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task PlainRequest_ForeignOrigin_IsAnsweredForCorsKeepsThePageFromReadingIt()
    {
        var result = await _harness.CurlAsync("/api/v2/workspaceagents/main", "-H", $"Origin: {Evil}", "-H", $"Coder-Session-Token: {ControlPlaneHarness.UserToken}");

        Assert.Equal(200, result.Status);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("multipart/form-data; boundary=x")]
    [InlineData("")]
    public async Task Post_NotJson_415AndNothingStored(string contentType)
    {
        const string Startup = """{"version":"v6.6.6","expanded_directory":"/","subsystem":"","ssh_host_keys":["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEVIL evil"]}""";

        var result = await _harness.CurlAsync(
            $"/api/v2/workspaceagents/me/startup?coder_session_token={ControlPlaneHarness.MainToken}",
            "-X", "POST", "-H", $"Content-Type: {contentType}", "-H", $"Origin: {Evil}", "--data-binary", Startup);

        Assert.Equal(415, result.Status);
        Assert.Equal("Unsupported media type.", result.Message());
        Assert.Empty(_harness.Server.Store.FindByName("main")!.Summary().SshHostKeys);
        Assert.Contains(_harness.Logs.Messages, message => message.Contains("Refused POST /api/v2/workspaceagents/me/startup", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Post_JsonWithCharset_IsRead()
    {
        var result = await _harness.CurlAsync(
            "/api/v2/workspaceagents/me/startup",
            "-X", "POST", "-H", $"Coder-Session-Token: {ControlPlaneHarness.MainToken}", "-H", "Content-Type: application/json; charset=utf-8",
            "--data-binary", """{"version":"v1.2.3","expanded_directory":"/","subsystem":"","ssh_host_keys":["ssh-ed25519 AAAA"]}""");

        Assert.Equal(200, result.Status);
        Assert.Equal(["ssh-ed25519 AAAA"], _harness.Server.Store.FindByName("main")!.Summary().SshHostKeys);
    }

    [Fact]
    public async Task OurAgentClient_SendsJson()
    {
        await _harness.Agent().PostStartupAsync(new StartupRequest("v1.2.3", "/", string.Empty, ["ssh-ed25519 AAAA"]), CancellationToken.None);

        Assert.Equal(["ssh-ed25519 AAAA"], _harness.Server.Store.FindByName("main")!.Summary().SshHostKeys);
    }

    [Theory]
    [InlineData("evil.example")]
    [InlineData("evil.example:7080")]
    [InlineData("localhost.evil.example")]
    [InlineData("10.1.2.3")]
    public async Task AnyRequest_HostNotALoopbackName_421(string host)
    {
        var api = await _harness.CurlAsync("/api/v2/workspaceagents/main", "-H", $"Host: {host}", "-H", $"Coder-Session-Token: {ControlPlaneHarness.UserToken}");
        var page = await _harness.CurlAsync("/terminal", "-H", $"Host: {host}");

        Assert.Equal((421, 421), (api.Status, page.Status));
        Assert.Equal("Host not allowed.", api.Message());
        Assert.Contains(_harness.Logs.Messages, message => message.Contains($"Host \"{host}\" is not a loopback name", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("localhost:7080")]
    [InlineData("app.localhost:7080")] // PORT--AGENT.localhost names are the port proxy's since issue 13 (PortProxyIntegrationSpecs)
    [InlineData("127.0.0.2")]
    [InlineData("[::1]:7080")]
    public async Task AnyRequest_LoopbackHost_Answers(string host)
    {
        var result = await _harness.CurlAsync("/api/v2/workspaceagents/main", "-H", $"Host: {host}", "-H", $"Coder-Session-Token: {ControlPlaneHarness.UserToken}");

        Assert.Equal(200, result.Status);
    }
}
