using System.Diagnostics;
using System.Text.Json.Nodes;
using Agent.Specs.Utilities;

namespace Agent.Specs.Integration;

/// <summary>
/// The resource monitor end to end: <c>agent dev</c> with a workspace file whose <c>resources_monitoring</c> watches a real
/// volume at a threshold of 0 % (so it warns after three samples), seen by real <c>curl</c> on the control plane's API
/// (the summary, <c>/resources</c>) and on the agent's and the workspace's event streams.
/// </summary>
[Trait("Category", "Integration")]
public sealed class ResourcesMonitoringIntegrationSpecs
{
    [Fact]
    public async Task Dev_VolumeOverItsThreshold_WarningOnTheApiAndTheEventStreams()
    {
        await using var harness = new IntegrationHarness();
        var manifest = Manifests.With();
        manifest["resources_monitoring"] = new JsonObject
        {
            ["memory"] = new JsonObject { ["enabled"] = true, ["threshold"] = 100 },
            ["volumes"] = new JsonArray(new JsonObject { ["path"] = harness.Home, ["enabled"] = true, ["threshold"] = 0 }),
            ["collection_interval_seconds"] = 1,
            ["num_datapoints"] = 5,
        };
        harness.WriteWorkspace(manifest);
        await harness.StartDevAsync();
        using var workspace = Curl(harness, "api/v2/workspace/events", "the workspace stream");

        var summary = await Eventually.WaitAsync(
            async () => (string?)await CurlAsync(harness, $"api/v2/workspaceagents/{IntegrationHarness.AgentName}"),
            text => text?.Contains("\"state\":\"warning\"", StringComparison.Ordinal) == true,
            "the summary to show the volume in warning");
        using var events = Curl(harness, $"api/v2/workspaceagents/{IntegrationHarness.AgentName}/events", "the agent's stream");
        await events.WaitForOutputAsync("\"state\":\"warning\"");
        await workspace.WaitForOutputAsync("\"state\":\"warning\"");
        var history = JsonNode.Parse(await CurlAsync(harness, $"api/v2/workspaceagents/{IntegrationHarness.AgentName}/resources"))!;

        var resources = JsonNode.Parse(summary!)!["resources"]!.AsArray();
        Assert.Equal(["memory", harness.Home], resources.Select(r => r!["resource"]!.GetValue<string>()));
        Assert.Equal(["ok", "warning"], resources.Select(r => r!["state"]!.GetValue<string>()));
        Assert.True(resources[1]!["total"]!.GetValue<long>() > 0);
        var change = Assert.Single(history["changes"]!.AsArray());
        Assert.Equal(harness.Home, change!["resource"]!.GetValue<string>());
        Assert.Equal("warning", change["state"]!.GetValue<string>());
        Assert.Contains(events.Output.Split('\n'), line => line.StartsWith("data: {\"type\":\"resources\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ResourcesMonitoringPost_HostileReports_AreRefusedWith413Or400()
    {
        await using var harness = new IntegrationHarness();
        harness.WriteWorkspace(Manifests.With());
        await harness.StartServerAsync();
        var many = new JsonArray([.. Enumerable.Range(0, 65).Select(i => (JsonNode)new JsonObject { ["resource"] = $"/v{i}", ["kind"] = "volume" })]);
        var bad = new JsonArray(new JsonObject { ["resource"] = "/v", ["kind"] = "cpu" });

        var tooMany = await PostAsync(harness, new JsonObject { ["resources"] = many }.ToJsonString());
        var tooLarge = await PostAsync(harness, "{\"resources\":[{\"resource\":\"" + new string('x', 70_000) + "\"}]}");
        var invalid = await PostAsync(harness, new JsonObject { ["resources"] = bad }.ToJsonString());
        var fine = await PostAsync(harness, "{\"resources\":[{\"resource\":\"memory\",\"kind\":\"memory\",\"used\":1,\"total\":2,\"threshold\":90,\"state\":\"ok\"}]}");

        Assert.Equal("413", tooMany);
        Assert.Equal("413", tooLarge);
        Assert.Equal("400", invalid);
        Assert.Equal("204", fine);
    }

    private static RunningProcess Curl(IntegrationHarness harness, string path, string name)
        => RunningProcess.Start(
            new ProcessStartInfo("curl", ["-sN", "--max-time", "60", "-H", $"Coder-Session-Token: {IntegrationHarness.UserToken}", new Uri(harness.Url, path).ToString()])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            },
            "curl on " + name);

    private static async Task<string> CurlAsync(IntegrationHarness harness, string path)
    {
        var result = await ProcessRunner.RunAsync("curl", ["-sf", "-H", $"Coder-Session-Token: {IntegrationHarness.UserToken}", new Uri(harness.Url, path).ToString()]);
        return result.Text;
    }

    private static async Task<string> PostAsync(IntegrationHarness harness, string body)
    {
        var result = await ProcessRunner.RunAsync(
            "curl",
            ["-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST", "-H", "Content-Type: application/json", "-H", $"Coder-Session-Token: {harness.AgentToken}",
                "--data-binary", "@-", new Uri(harness.Url, "api/v2/workspaceagents/me/resources-monitoring").ToString()],
            System.Text.Encoding.UTF8.GetBytes(body));
        return result.Text;
    }
}
