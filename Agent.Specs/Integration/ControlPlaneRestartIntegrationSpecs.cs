using System.Globalization;
using System.Text.Json;
using Agent.Specs.Utilities;

namespace Agent.Specs.Integration;

/// <summary>
/// <c>agent server --data-dir</c> restarted under a real agent: what it answers after the restart comes from its
/// SQLite database, and the agent carries on without a line stored twice.
/// </summary>
[Trait("Category", "Integration")]
public sealed class ControlPlaneRestartIntegrationSpecs
{
    [Fact]
    public async Task Server_SigtermThenStartedOnTheSameDataDir_AnswersFromTheDatabase_AgentCarriesOnWithoutRepeats()
    {
        await using var harness = new IntegrationHarness();
        var go = harness.Combine("go");
        harness.WriteWorkspace(Manifests.With(
            startupScript: $"for i in $(seq 1 20); do echo line-$i; done; while [ ! -e '{go}' ]; do sleep 0.05; done; for i in $(seq 21 30); do echo line-$i; done",
            metadata: [Manifests.Metadata("cpu", "echo 0.5", 1)]));
        var first = await harness.StartServerAsync();
        var agent = harness.StartAgent();
        await Eventually.WaitAsync(
            async () => (await harness.LogLinesAsync(), await MetadataValueAsync(harness)),
            seen => seen.Item1.Length == 20 && seen.Item2 == "0.5",
            $"twenty lines and the metadata\n{agent.Output}");

        // The agent is frozen, so it makes no call while the control plane restarts.
        agent.Signal("STOP");
        var before = await harness.GetAsync(string.Empty);
        first.Signal("TERM");
        Assert.Equal(0, await first.WaitForExitAsync());
        await harness.StartServerAsync();

        var after = await harness.GetAsync(string.Empty);
        Assert.Equal(["starting"], await harness.LifecycleStatesAsync());
        Assert.Equal(Lines(1, 20), await harness.LogLinesAsync());
        Assert.Equal("0.5", await MetadataValueAsync(harness));
        Assert.Equal("disconnected", after.GetProperty("status").GetString());
        Assert.Equal(LastSeen(before), LastSeen(after), TimeSpan.FromMilliseconds(1));
        Assert.Equal(before.GetProperty("version").GetString(), after.GetProperty("version").GetString());
        Assert.Equal(before.GetProperty("ssh_host_keys").GetRawText(), after.GetProperty("ssh_host_keys").GetRawText());

        agent.Signal("CONT");
        await File.WriteAllTextAsync(go, string.Empty);
        Assert.Equal(["starting", "ready"], await harness.WaitForLifecycleAsync("ready"));
        Assert.Equal(Lines(1, 30), await harness.LogLinesAsync());
        Assert.Equal("connected", (await harness.GetAsync(string.Empty)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Server_SigkillWhileTheAgentReports_EveryAcknowledgedLineAndReportSurvives_NoneTwice()
    {
        const int Count = 2000;
        await using var harness = new IntegrationHarness();
        harness.WriteWorkspace(Manifests.With(
            startupScript: $"for i in $(seq 1 {Count}); do echo line-$i; if [ $((i % 50)) -eq 0 ]; then sleep 0.05; fi; done"));
        var first = await harness.StartServerAsync();
        var agent = harness.StartAgent();
        var acknowledged = await Eventually.WaitAsync(
            async () => await harness.LogLinesAsync(),
            lines => lines!.Length >= 200,
            $"some lines to arrive\n{agent.Output}");
        var states = await harness.LifecycleStatesAsync();

        first.Signal("KILL");
        await first.WaitForExitAsync();
        await harness.StartServerAsync();

        var restored = await harness.LogLinesAsync();
        Assert.InRange(acknowledged.Length, 200, Count - 1);
        Assert.Equal(acknowledged, restored.Take(acknowledged.Length));
        Assert.Equal(states, (await harness.LifecycleStatesAsync()).Take(states.Length));
        Assert.Equal(["starting", "ready"], await harness.WaitForLifecycleAsync("ready"));
        Assert.Equal(Lines(1, Count), await harness.LogLinesAsync());
    }

    private static async Task<string?> MetadataValueAsync(IntegrationHarness harness)
    {
        var entry = (await harness.GetAsync("/metadata")).EnumerateArray().Single(item => item.GetProperty("key").GetString() == "cpu");
        return entry.GetProperty("result").ValueKind == JsonValueKind.Object ? entry.GetProperty("result").GetProperty("value").GetString()?.Trim() : null;
    }

    private static DateTimeOffset LastSeen(JsonElement summary)
        => DateTimeOffset.Parse(summary.GetProperty("last_seen_at").GetString()!, CultureInfo.InvariantCulture);

    private static string[] Lines(int first, int last) => [.. Enumerable.Range(first, last - first + 1).Select(i => $"line-{i}")];
}
