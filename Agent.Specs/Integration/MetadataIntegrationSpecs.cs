using System.Text.Json;
using System.Text.Json.Nodes;
using Agent.Specs.Utilities;

namespace Agent.Specs.Integration;

[Trait("Category", "Integration")]
public sealed class MetadataIntegrationSpecs
{
    [Fact]
    public async Task Metadata_OnceManyAndError()
    {
        await using var harness = new IntegrationHarness();
        var counter = harness.Combine("greeting-runs");
        harness.WriteWorkspace(Manifests.With(metadata: new JsonArray(
            Manifests.Metadata("greeting", $"echo run >> '{counter}'; echo hello", interval: 0),
            Manifests.Metadata("clock", "date +%s%N", interval: 1),
            Manifests.Metadata("bad", "exit 1", interval: 1))));
        await harness.StartServerAsync();
        harness.StartAgent();

        var first = await WaitForKeysAsync(harness, "greeting", "clock", "bad");
        var firstClock = Result(first, "clock").GetProperty("value").GetString();
        var later = await Eventually.WaitAsync(
            async () => await harness.GetAsync("/metadata"),
            items => Result(items, "clock").GetProperty("value").GetString() != firstClock,
            "a newer clock value");

        Assert.Equal("hello\n", Result(later, "greeting").GetProperty("value").GetString());
        Assert.Equal("run cmd: exit status 1", Result(later, "bad").GetProperty("error").GetString());
        Assert.Equal(["run"], await File.ReadAllLinesAsync(counter));
    }

    private static Task<JsonElement> WaitForKeysAsync(IntegrationHarness harness, params string[] keys)
        => Eventually.WaitAsync(
            async () => await harness.GetAsync("/metadata"),
            items => keys.All(key => items.EnumerateArray().Any(item =>
                item.GetProperty("key").GetString() == key && item.GetProperty("result").ValueKind == JsonValueKind.Object)),
            $"metadata keys {string.Join(", ", keys)}");

    private static JsonElement Result(JsonElement items, string key)
        => items.EnumerateArray().Single(item => item.GetProperty("key").GetString() == key).GetProperty("result");
}
