using System.Text.Json;
using Agent.Specs.Utilities;

namespace Agent.Specs.Integration.PortProxy;

/// <summary>
/// The port proxy of <c>agent dev</c> driven by real clients: <c>curl</c> (with a user token in
/// <c>Coder-Session-Token</c>, as scripts use it) and a python3-websockets client, to real servers in the workspace.
/// </summary>
[Trait("Category", "Integration")]
public sealed class PortProxyIntegrationSpecs : IClassFixture<PortProxyFixture>
{
    private const string TokenHeader = "Coder-Session-Token: " + IntegrationHarness.UserToken;

    private readonly PortProxyFixture _fixture;

    public PortProxyIntegrationSpecs(PortProxyFixture fixture) => _fixture = fixture;

    [Fact]
    public async Task Proxy_UserTokenHeader_TheWorkspacesServerAnswers()
    {
        var answer = await Curl.RunAsync("-H", TokenHeader, $"{_fixture.Origin(_fixture.EchoPort)}/hello?x=1");

        Assert.Equal(200, answer.Status);
        var echo = JsonDocument.Parse(answer.Body).RootElement;
        Assert.Equal("GET", echo.GetProperty("method").GetString());
        Assert.Equal("/hello?x=1", echo.GetProperty("path").GetString());
    }

    [Fact]
    public async Task Proxy_WhatReachesTheWorkspace_NoProxyCookieNoDashboardCookieNoToken()
    {
        var answer = await Curl.RunAsync(
            "-H", TokenHeader,
            "-H", "Cookie: app=kept; agent_proxy=proxy-secret; agent_session=dashboard-secret; coder_session_token=cookie-token",
            $"{_fixture.Origin(_fixture.EchoPort)}/echo?coder_session_token=query-token&keep=1");

        Assert.Equal(200, answer.Status);
        var echo = JsonDocument.Parse(answer.Body).RootElement;
        var headers = echo.GetProperty("headers").EnumerateArray().Select(pair => (Name: pair[0].GetString()!, Value: pair[1].GetString()!)).ToList();
        Assert.Equal("/echo?keep=1", echo.GetProperty("path").GetString());
        Assert.DoesNotContain(headers, header => header.Name.Equals("Coder-Session-Token", StringComparison.OrdinalIgnoreCase));
        Assert.Equal("app=kept", Assert.Single(headers, header => header.Name.Equals("Cookie", StringComparison.OrdinalIgnoreCase)).Value);
        Assert.DoesNotContain(headers, header => header.Value.Contains("secret", StringComparison.Ordinal) || header.Value.Contains("token", StringComparison.Ordinal) || header.Value.Contains(IntegrationHarness.UserToken, StringComparison.Ordinal));
        Assert.Contains(headers, header => header.Name.Equals("X-Forwarded-Host", StringComparison.OrdinalIgnoreCase) && header.Value == $"{_fixture.EchoPort}--main.localhost:{_fixture.Harness.Port}");
        Assert.Contains(headers, header => header.Name.Equals("X-Forwarded-For", StringComparison.OrdinalIgnoreCase) && header.Value == "127.0.0.1");
    }

    [Fact]
    public async Task Proxy_PathsOfTheControlPlane_GoToTheWorkspace()
    {
        foreach (var path in new[] { "/api/v2/workspaceagents/main/pty?reconnect=x", "/api/v2/workspaceagents/main/events", "/terminal", "/login", "/" })
        {
            var answer = await Curl.RunAsync("-H", TokenHeader, $"{_fixture.Origin(_fixture.EchoPort)}{path}");

            Assert.Equal(200, answer.Status);
            Assert.Equal(path, JsonDocument.Parse(answer.Body).RootElement.GetProperty("path").GetString());
        }
    }

    [Fact]
    public async Task Proxy_AFormPostFromAnotherOrigin_ReachesTheWorkspaceUnfiltered()
    {
        var answer = await Curl.RunAsync(
            "-H", TokenHeader,
            "-H", "Origin: http://evil.example",
            "--data", "name=value",
            $"{_fixture.Origin(_fixture.EchoPort)}/api/form");

        Assert.Equal(200, answer.Status);
        var echo = JsonDocument.Parse(answer.Body).RootElement;
        Assert.Equal("POST", echo.GetProperty("method").GetString());
        Assert.Equal(10, echo.GetProperty("body").GetInt32());
    }

    [Fact]
    public async Task Proxy_AResponseHeaderInUtf8_PassedByteForByte()
    {
        var answer = await Curl.RunAsync("-H", TokenHeader, $"{_fixture.Origin(_fixture.EchoPort)}/utf8-header");

        Assert.Equal(200, answer.Status);
        Assert.Equal("attachment; filename=\"r\u00e9sum\u00e9.txt\"", answer.Header("Content-Disposition"));
    }

    [Fact]
    public async Task Proxy_LargeBodies_StreamedBothWays()
    {
        var upload = _fixture.Harness.Combine("upload.bin");
        await File.WriteAllBytesAsync(upload, new byte[24 << 20]);

        var up = await Curl.RunAsync("-H", TokenHeader, "--data-binary", $"@{upload}", "-H", "Content-Type: application/octet-stream", $"{_fixture.Origin(_fixture.EchoPort)}/upload");
        var chunked = await Curl.RunAsync("-H", TokenHeader, "-H", "Transfer-Encoding: chunked", "--data-binary", $"@{upload}", $"{_fixture.Origin(_fixture.EchoPort)}/upload");
        var down = await ProcessRunner.RunAsync("curl", ["-s", "-H", TokenHeader, "-o", "/dev/null", "-w", "%{http_code} %{size_download}", $"{_fixture.Origin(_fixture.EchoPort)}/download/{32 << 20}"]);
        var head = await Curl.RunAsync("-H", TokenHeader, "-I", $"{_fixture.Origin(_fixture.EchoPort)}/download/1000");

        Assert.Equal(24 << 20, JsonDocument.Parse(up.Body).RootElement.GetProperty("body").GetInt32());
        Assert.Equal(24 << 20, JsonDocument.Parse(chunked.Body).RootElement.GetProperty("body").GetInt32());
        Assert.Equal($"200 {32 << 20}", down.Text);
        Assert.Equal(200, head.Status);
        Assert.Equal("1000", head.Header("Content-Length"));
    }

    [Fact]
    public async Task Proxy_WorkspaceRedirects_PassedAsTheyAre()
    {
        var answer = await Curl.RunAsync("-H", TokenHeader, $"{_fixture.Origin(_fixture.EchoPort)}/redirect");

        Assert.Equal(302, answer.Status);
        Assert.Equal("/elsewhere", answer.Header("Location"));
        Assert.Equal("app=1; Path=/", answer.Header("Set-Cookie"));
    }

    [Theory]
    [InlineData(22)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(5432)]
    public async Task Proxy_RefusedPort_403WithWhy(int port)
    {
        var answer = await Curl.RunAsync("-H", TokenHeader, $"{_fixture.Origin(port)}/");

        Assert.Equal(403, answer.Status);
        Assert.Contains($"Port {port} is not opened in the browser", answer.Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("nope")]
    [InlineData("ma_in")]
    public async Task Proxy_UnknownAgentOrMalformedName_404ItsOwnTextNotTheDashboard(string agent)
    {
        var answer = await Curl.RunAsync("-H", TokenHeader, $"{_fixture.Origin(_fixture.EchoPort, agent)}/");

        Assert.Equal(404, answer.Status);
        Assert.StartsWith("text/plain", answer.Header("Content-Type"), StringComparison.Ordinal);
        Assert.Contains("is not PORT--AGENT.localhost", answer.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Proxy_NothingListensOnThePort_502SaysSo()
    {
        var answer = await Curl.RunAsync("-H", TokenHeader, $"{_fixture.Origin(FreePort.Next())}/");

        Assert.Equal(502, answer.Status);
        Assert.Contains("nothing answered", answer.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Proxy_WrongToken_401AndNothingForwarded()
    {
        var answer = await Curl.RunAsync("-H", "Coder-Session-Token: wrong", $"{_fixture.Origin(_fixture.EchoPort)}/");

        Assert.Equal(401, answer.Status);
        Assert.DoesNotContain("\"method\"", answer.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Proxy_NoCredential_AGetIsSentToTheDashboardAPostIs401()
    {
        var get = await Curl.RunAsync($"{_fixture.Origin(_fixture.EchoPort)}/page?q=1");
        var post = await Curl.RunAsync("--data", "a=b", $"{_fixture.Origin(_fixture.EchoPort)}/page");

        Assert.Equal(303, get.Status);
        Assert.Equal(
            $"http://127.0.0.1:{_fixture.Harness.Port}/api/v2/applications/auth-redirect?to={Uri.EscapeDataString($"{_fixture.Origin(_fixture.EchoPort)}/page?q=1")}",
            get.Header("Location"));
        Assert.Equal(401, post.Status);
    }

    [Fact]
    public async Task Proxy_WebSocket_EchoedBetweenARealClientAndServer()
    {
        var client = _fixture.Harness.Combine("websocket-client.py");
        await File.WriteAllTextAsync(client, """
import asyncio, sys, websockets
async def main(uri, port, token):
    async with websockets.connect(uri, host='127.0.0.1', port=port, extra_headers={'Coder-Session-Token': token}, origin='http://evil.example', max_size=None) as socket:
        await socket.send('hello through the proxy')
        text = await socket.recv()
        await socket.send(b'\x01' * 300000)
        data = await socket.recv()
        print(text, len(data))
asyncio.run(main(sys.argv[1], int(sys.argv[2]), sys.argv[3]))
""");

        var result = await ProcessRunner.RunAsync(
            "/usr/bin/python3",
            [client, $"ws://{_fixture.WebSocketPort}--main.localhost:{_fixture.Harness.Port}/socket", _fixture.Harness.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), IntegrationHarness.UserToken],
            timeout: TimeSpan.FromSeconds(60));

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal("hello through the proxy 300000", result.Text.Trim());
    }
}
