using System.Diagnostics;

namespace Agent.Specs.Integration;

/// <summary>The all-agents stream of a real <c>agent dev</c>, read by real <c>curl -N</c>.</summary>
[Trait("Category", "Integration")]
public sealed class WorkspaceEventsIntegrationSpecs
{
    [Fact]
    public async Task Dev_CurlOnTheWorkspaceStream_SeesTheSnapshotThenTheAgentTurnReady()
    {
        await using var harness = new IntegrationHarness();
        var gate = harness.Combine("go");
        harness.WriteWorkspace(Manifests.With(startupScript: $"while [ ! -e '{gate}' ]; do sleep 0.05; done; echo went"));
        await harness.StartDevAsync();
        using var events = RunningProcess.Start(
            new ProcessStartInfo("curl", ["-sN", "--max-time", "60", "-H", $"Coder-Session-Token: {IntegrationHarness.UserToken}", new Uri(harness.Url, "api/v2/workspace/events").ToString()])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            },
            "curl on the workspace stream");
        await events.WaitForOutputAsync("\"lifecycle_state\":\"starting\"");

        await File.WriteAllTextAsync(gate, string.Empty);
        await events.WaitForOutputAsync("\"lifecycle_state\":\"ready\"");

        var lines = events.Output.Split('\n');
        Assert.Equal("event: summary", lines[0]);
        Assert.StartsWith("data: {\"name\":\"main\",\"status\":\"connected\",\"relay\":\"connected\"", lines[1], StringComparison.Ordinal);
        var ready = Array.FindIndex(lines, line => line.Contains("\"lifecycle_state\":\"ready\"", StringComparison.Ordinal));
        Assert.Equal("event: summary", lines[ready - 1]);
        Assert.Contains("\"lifecycle_changed_at\":\"", lines[ready], StringComparison.Ordinal);
        Assert.True(Array.FindIndex(lines, line => line.Contains("\"lifecycle_state\":\"starting\"", StringComparison.Ordinal)) < ready);
    }
}
