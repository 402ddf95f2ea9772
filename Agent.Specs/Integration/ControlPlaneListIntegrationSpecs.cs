using System.Text.Json;
using Agent.Specs.Integration.CommandLine;
using Agent.Specs.Utilities;

namespace Agent.Specs.Integration;

/// <summary>
/// <c>agent run --url A,B</c> (and the same list in <c>AGENT_URL</c>): the agent tries the control planes in turn, stays on
/// the one that answers, and moves on (its relay with it) when that one goes away. Bad lists exit 2 naming the fault.
/// </summary>
[Trait("Category", "Integration")]
public sealed class ControlPlaneListIntegrationSpecs
{
    [Fact]
    public async Task Run_UrlListFirstDown_ReadyWithItsRelayOnTheSecond_ThenFollowsTheFirstWhenTheSecondStops()
    {
        await using var harness = new IntegrationHarness();
        harness.WriteWorkspace(Manifests.With(startupScript: "true"));
        var second = FreePort.Next();
        using var secondServer = RunningProcess.Start(
            AgentBinary.StartInfo(["server", "--address", $"127.0.0.1:{second}", "--workspace", harness.WorkspaceFile, "--data-dir", harness.Combine("second-data")]),
            "agent server (second)");
        using var secondApi = UserClient(second);
        await Eventually.WaitAsync(() => SummaryAsync(secondApi), summary => summary is not null, $"the second server to answer\n{secondServer.Output}");

        var agent = harness.StartAgent("--url", $"http://127.0.0.1:{harness.Port},http://127.0.0.1:{second}");

        await Eventually.WaitAsync(
            () => SummaryAsync(secondApi),
            summary => IsReadyWithRelay(summary),
            $"the agent ready with its relay on the second control plane\n{agent.Output}");
        Assert.Contains($"Trying the next control plane: http://127.0.0.1:{second}/", agent.Output, StringComparison.Ordinal);

        secondServer.Signal("TERM");
        Assert.Equal(0, await secondServer.WaitForExitAsync());
        await harness.StartServerAsync();

        // The first control plane has a database of its own: the agent tells it the state it is in now.
        Assert.Equal(["ready"], await harness.WaitForLifecycleAsync("ready"));
        await Eventually.WaitAsync(
            async () => (JsonElement?)await harness.GetAsync(string.Empty),
            summary => IsReadyWithRelay(summary),
            $"the agent's relay on the first control plane\n{agent.Output}");
        Assert.Contains($"Trying the next control plane: http://127.0.0.1:{harness.Port}/", agent.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_UrlListOnlyInTheVariable_ReachesReadyOnTheOneThatAnswers()
    {
        await using var harness = await RunEnvironmentIntegrationSpecs.StartServerAsync();
        var nowhere = $"http://127.0.0.1:{FreePort.Next()}";

        var agent = harness.StartAgentWithEnvironment(
            new Dictionary<string, string> { ["AGENT_URL"] = $"{nowhere},{harness.Url}" },
            ["--token", harness.AgentToken, .. RunEnvironmentIntegrationSpecs.Quick(harness)]);

        Assert.Equal(["starting", "ready"], await harness.WaitForLifecycleAsync("ready"));
        Assert.Contains($"Trying the next control plane: {harness.Url}", agent.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://127.0.0.1:1,ftp://127.0.0.1:2", "\"ftp://127.0.0.1:2\" is not an http(s) URL")]
    [InlineData("http://127.0.0.1:1,,http://127.0.0.1:2", "URL number 2 of the list \"http://127.0.0.1:1,,http://127.0.0.1:2\" is empty")]
    [InlineData("http://127.0.0.1:1,http://127.0.0.1:1/", "\"http://127.0.0.1:1/\" is in the list twice")]
    public async Task Run_BadElementInTheUrlList_Exit2NamingIt(string list, string problem)
    {
        await using var harness = new IntegrationHarness();

        var option = harness.StartAgentWithEnvironment(new Dictionary<string, string>(), ["--url", list, "--token", harness.AgentToken]);
        var variable = harness.StartAgentWithEnvironment(new Dictionary<string, string> { ["AGENT_URL"] = list }, ["--token", harness.AgentToken]);

        Assert.Equal(2, await option.WaitForExitAsync());
        Assert.Contains($"--url: {problem}", option.Output, StringComparison.Ordinal);
        Assert.Equal(2, await variable.WaitForExitAsync());
        Assert.Contains($"agent run: AGENT_URL: {problem}", variable.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_SeventeenUrls_Exit2SayingAtMost16()
    {
        await using var harness = new IntegrationHarness();
        var list = string.Join(',', Enumerable.Range(1, 17).Select(port => $"http://127.0.0.1:{port}"));

        var agent = harness.StartAgentWithEnvironment(new Dictionary<string, string>(), ["--url", list, "--token", harness.AgentToken]);

        Assert.Equal(2, await agent.WaitForExitAsync());
        Assert.Contains("--url: 17 control plane URLs, at most 16 are allowed", agent.Output, StringComparison.Ordinal);
    }

    private static bool IsReadyWithRelay(JsonElement? summary)
        => summary is { } found
            && found.GetProperty("lifecycle_state").GetString() == "ready"
            && found.GetProperty("relay").GetString() == "connected";

    private static HttpClient UserClient(int port)
    {
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(10) };
        client.DefaultRequestHeaders.Add("Coder-Session-Token", IntegrationHarness.UserToken);
        return client;
    }

    private static async Task<JsonElement?> SummaryAsync(HttpClient api)
    {
        using var response = await api.GetAsync($"api/v2/workspaceagents/{IntegrationHarness.AgentName}");
        if (!response.IsSuccessStatusCode)
            return null;
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }
}
