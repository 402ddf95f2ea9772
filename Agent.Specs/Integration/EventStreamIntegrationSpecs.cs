using System.Text;
using System.Text.Json.Nodes;
using Agent.Specs.Runtime.ControlPlane;

namespace Agent.Specs.Integration;

[Trait("Category", "Integration")]
public sealed class EventStreamIntegrationSpecs
{
    [Fact]
    public async Task Server_EventsReaderStopsReadingWhileMetadataFloods_ResidentMemoryStaysBounded()
    {
        await using var harness = new IntegrationHarness();
        harness.WriteWorkspace(Manifests.With(metadata: [Manifests.Metadata("k0", "true", 1), Manifests.Metadata("k1", "true", 1)]));
        var server = await harness.StartServerAsync();
        using var stalled = await StalledEventReader.OpenAsync(harness.Url, IntegrationHarness.AgentName, IntegrationHarness.UserToken);
        await stalled.ReadUntilAsync("event: ", TimeSpan.FromSeconds(30)); // subscribed: the snapshot began, so the flood below queues for it
        using var agent = new HttpClient { BaseAddress = harness.Url, Timeout = TimeSpan.FromSeconds(10) };
        agent.DefaultRequestHeaders.Add("Coder-Session-Token", harness.AgentToken);
        var body = new JsonObject { ["collected_at"] = "2023-06-06T12:00:00Z", ["age"] = 0, ["value"] = new string('x', 32 << 10), ["error"] = string.Empty }.ToJsonString();
        await PostMetadataAsync(agent, "k0", body);
        var before = ResidentMiB(server.Id);

        // 3000 values of 32 KiB (about 200 MiB as queued events on main), none of which the reader takes.
        for (var i = 0; i < 3000; i++)
            await PostMetadataAsync(agent, $"k{i % 2}", body);

        var after = ResidentMiB(server.Id);
        Assert.True(after - before < 100, $"the control plane grew from {before} MiB to {after} MiB");
    }

    private static async Task PostMetadataAsync(HttpClient agent, string key, string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await agent.PostAsync($"api/v2/workspaceagents/me/metadata/{key}", content);
        response.EnsureSuccessStatusCode();
    }

    private static long ResidentMiB(int pid)
        => File.ReadLines($"/proc/{pid}/status")
            .Where(line => line.StartsWith("VmRSS:", StringComparison.Ordinal))
            .Select(line => long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) / 1024)
            .Single();
}
