using System.Net;
using System.Net.WebSockets;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Agent.Specs.Runtime.Api;
using Agent.Specs.Runtime.ControlPlane;
using Agent.Specs.Utilities;

namespace Agent.Specs.Integration;

/// <summary>
/// <c>agent dev</c> and <c>agent server</c> as real processes, started as README documents them, against what a web
/// page can make a browser send (real <c>curl</c> with <c>Origin</c> and <c>Host</c> headers), and their tokens.
/// </summary>
[Trait("Category", "Integration")]
public sealed partial class BrowserReachIntegrationSpecs
{
    private static readonly string[] Upgrade =
    [
        "-H", "Connection: Upgrade", "-H", "Upgrade: websocket", "-H", "Sec-WebSocket-Version: 13", "-H", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
    ];

    [Fact]
    public async Task AgentDev_WorkspaceWithoutTokens_MakesPrivateTokensPrintsThemAndReusesThemNextRun()
    {
        await using var harness = new IntegrationHarness();
        var workspace = harness.Combine("tokenless.json");
        await File.WriteAllTextAsync(workspace, new JsonObject
        {
            ["agents"] = new JsonArray(new JsonObject { ["name"] = IntegrationHarness.AgentName, ["manifest"] = Manifests.With() }),
        }.ToJsonString());
        var data = harness.Combine("data");

        var (user, agent, banner) = await RunDevUntilBannerAsync(harness, workspace, data, async (url, token) =>
        {
            var api = await ApiCurl.GetAsync($"{url}api/v2/workspaceagents/{IntegrationHarness.AgentName}", "-H", $"Coder-Session-Token: {token}");
            Assert.Equal(200, api.Status);
        });
        var (userAgain, agentAgain, _) = await RunDevUntilBannerAsync(harness, workspace, data, (_, _) => Task.CompletedTask);

        Assert.Matches("^[A-Za-z0-9_-]{43}$", user);
        Assert.Matches("^[0-9a-f]{32}$", agent);
        Assert.Equal((user, agent), (userAgain, agentAgain));
        Assert.Equal(user, (await File.ReadAllTextAsync(Path.Join(data, "dev", "user-token"))).Trim());
        Assert.Equal(agent, (await File.ReadAllTextAsync(Path.Join(data, "dev", "agent-token"))).Trim());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Join(data, "dev", "user-token")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Join(data, "dev", "agent-token")));
        Assert.Contains($"kept 0600 in {Path.Join(data, "dev")}", banner, StringComparison.Ordinal);
        foreach (var line in new[] { "Watch it live:   agent monitor", $"Ask the API:     curl -H 'Coder-Session-Token: {user}'", $"coder_session_token={user}'", $"/terminal?agent=main&token={user}", "SSH:             ssh -o ProxyCommand=", $"SSH config:      agent config-ssh --url http://127.0.0.1:{harness.Port} --token {user}" })
            Assert.Contains(line, banner, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AgentDev_ThePrintedDashboardUrl_SignsInWithACookieThatReadsTheApiAndNothingElse()
    {
        await using var harness = new IntegrationHarness();
        harness.WriteWorkspace(Manifests.With());
        var dev = await harness.StartDevAsync();
        await dev.WaitForOutputAsync("Dashboard:");
        var login = Regex.Match(dev.Output, @"Dashboard:\s+(?<url>\S+)").Groups["url"].Value;
        var jar = harness.Combine("cookies.txt");

        var signIn = await ApiCurl.GetAsync(login, "-c", jar, "-o", "/dev/null");
        var summary = await ApiCurl.GetAsync($"{harness.Url}api/v2/workspaceagents/{IntegrationHarness.AgentName}", "-b", jar);
        var crossSite = await ApiCurl.GetAsync(
            $"{harness.Url}api/v2/workspaceagents/{IntegrationHarness.AgentName}/pty?reconnect={Guid.NewGuid()}&width=80&height=24",
            [.. Upgrade, "-b", jar, "--max-time", "3"]);

        Assert.Equal($"{harness.Url}login?token={IntegrationHarness.UserToken}", login);
        Assert.Equal(303, signIn.Status);
        Assert.Matches(@"(?m)^#HttpOnly_127\.0\.0\.1\tFALSE\t/\tFALSE\t\d+\tagent_session\t[A-Za-z0-9_-]{43}$", await File.ReadAllTextAsync(jar));
        Assert.Equal(200, summary.Status);
        Assert.Equal(403, crossSite.Status);
    }

    [Fact]
    public async Task AgentServerAndDev_WorkspaceWithTheFormerDemoTokens_RefuseToStartWithExit2()
    {
        await using var harness = new IntegrationHarness();
        var workspace = JsonNode.Parse(await File.ReadAllTextAsync(WorkspaceDefinitionSpecsPaths.DemoWorkspace()))!;
        workspace["user_tokens"] = new JsonArray("demo-user-token-5b0f3c1e");
        workspace["agents"]![0]!["token"] = "7c9e6679-7425-40de-944b-e07fc1f90ae7";
        var file = harness.Combine("old-demo.json");
        await File.WriteAllTextAsync(file, workspace.ToJsonString());

        using var server = RunningProcess.Start(AgentBinary.StartInfo("server", "--workspace", file, "--address", "127.0.0.1:0", "--data-dir", harness.Combine("server-data")), "agent server");
        using var dev = RunningProcess.Start(
            AgentBinary.StartInfo("dev", "--workspace", file, "--address", "127.0.0.1:0", "--data-dir", harness.Combine("data"), "--log-dir", harness.LogDirectory),
            "agent dev");

        Assert.Equal(2, await server.WaitForExitAsync());
        Assert.Equal(2, await dev.WaitForExitAsync());
        Assert.Contains("user_tokens[0] is published in this project's examples", server.Output, StringComparison.Ordinal);
        Assert.Contains("user_tokens[0] is published in this project's examples", dev.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AgentDev_WhatAWebPageCanSend_IsRefused()
    {
        await using var harness = new IntegrationHarness();
        harness.WriteWorkspace(Manifests.With());
        var apiPort = FreePort.Next();
        await harness.StartDevAsync("--api-address", $"127.0.0.1:{apiPort}");
        var url = harness.Url.ToString().TrimEnd('/');
        var keys = (await harness.GetAsync(string.Empty)).GetProperty("ssh_host_keys").ToString();

        // A page opening the web terminal's WebSocket with a token it learned.
        var pty = await ApiCurl.GetAsync(
            $"{url}/api/v2/workspaceagents/main/pty?reconnect=0b6a4c1e-0000-4000-8000-000000000001&width=80&height=24&command=sh&coder_session_token={IntegrationHarness.UserToken}",
            [.. Upgrade, "-H", "Origin: http://evil.example"]);

        // A "simple" cross-site POST (text/plain needs no CORS preflight) with the agent token.
        var startup = await ApiCurl.GetAsync(
            $"{url}/api/v2/workspaceagents/me/startup?coder_session_token={harness.AgentToken}",
            "-X", "POST", "-H", "Origin: http://evil.example", "-H", "Content-Type: text/plain",
            "--data-binary", """{"version":"v6.6.6","expanded_directory":"/","subsystem":"","ssh_host_keys":["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEVIL evil"]}""");

        // A page whose own name its DNS now points at 127.0.0.1 (DNS rebinding).
        var rebound = await ApiCurl.GetAsync($"{url}/api/v2/workspaceagents/main", "-H", "Host: evil.example", "-H", $"Coder-Session-Token: {IntegrationHarness.UserToken}");
        var reboundApi = await ApiCurl.GetAsync($"http://127.0.0.1:{apiPort}/api/v0/listening-ports", "-H", "Host: evil.example");
        var api = await ApiCurl.GetAsync($"http://127.0.0.1:{apiPort}/api/v0/listening-ports");

        Assert.Equal(403, pty.Status);
        Assert.Equal(415, startup.Status);
        Assert.Equal(keys, (await harness.GetAsync(string.Empty)).GetProperty("ssh_host_keys").ToString());
        Assert.Equal(421, rebound.Status);
        Assert.Equal(421, reboundApi.Status);
        Assert.Equal(200, api.Status);
    }

    [Fact]
    public async Task AgentDev_TheTerminalPagesOwnOrigin_OpensTheTerminal()
    {
        await using var harness = new IntegrationHarness();
        harness.WriteWorkspace(Manifests.With());
        await harness.StartDevAsync();
        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Origin", $"http://127.0.0.1:{harness.Port}");
        socket.Options.CollectHttpResponseDetails = true;
        var url = new Uri($"ws://127.0.0.1:{harness.Port}/api/v2/workspaceagents/main/pty?reconnect=0b6a4c1e-0000-4000-8000-000000000002&command=true&coder_session_token={IntegrationHarness.UserToken}");

        await socket.ConnectAsync(url, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(HttpStatusCode.SwitchingProtocols, socket.HttpStatusCode);
    }

    /// <summary>Runs <c>agent dev</c> until it printed its banner, lets <paramref name="use"/> try the printed token, then stops it.</summary>
    private static async Task<(string User, string Agent, string Banner)> RunDevUntilBannerAsync(IntegrationHarness harness, string workspace, string data, Func<Uri, string, Task> use)
    {
        var info = AgentBinary.StartInfo("dev", "--workspace", workspace, "--address", $"127.0.0.1:{harness.Port}", "--log-dir", harness.LogDirectory, "--data-dir", data);
        info.Environment["HOME"] = harness.Home;
        using var dev = RunningProcess.Start(info, "agent dev");
        await dev.WaitForOutputAsync("Stop:            Ctrl+C");
        var tokens = TokensLine().Match(dev.Output);
        Assert.True(tokens.Success, dev.Output);
        await use(harness.Url, tokens.Groups["user"].Value);
        dev.Signal("TERM");
        Assert.Equal(0, await dev.WaitForExitAsync());
        return (tokens.Groups["user"].Value, tokens.Groups["agent"].Value, dev.Output);
    }

    [GeneratedRegex(@"Tokens\s+user (?<user>\S+), agent (?<agent>\S+)  \(")]
    private static partial Regex TokensLine();
}
