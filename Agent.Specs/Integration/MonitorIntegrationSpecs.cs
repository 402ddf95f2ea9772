using System.Text.Json.Nodes;
using Agent.Specs.Runtime.Commands.Monitor;
using Agent.Specs.Utilities;

namespace Agent.Specs.Integration;

[Trait("Category", "Integration")]
public sealed class MonitorIntegrationSpecs
{
    [Fact]
    public async Task MonitorOnce_StartupScriptPrintsEscapeSequences_PrintsNoControlCharacter()
    {
        await using var harness = new IntegrationHarness();
        // OSC 52 (clipboard write), clear screen and home, a C1 CSI (UTF-8 C2 9B), DEL and a carriage return.
        harness.WriteWorkspace(Manifests.With(
            startupScript: @"printf 'clip \033]52;c;aGVsbG8=\007 wipe \033[2J\033[H c1 \302\23331m del \177 cr \rlogin: \n'; echo after"));
        await harness.StartServerAsync();
        harness.StartAgent();
        await harness.WaitForLifecycleAsync("ready");

        // --once prints what arrived until the stream was quiet for 300 ms; on a busy machine that can be before the
        // snapshot, so it is run again until the log panel shows the script's output.
        var monitor = await Eventually.WaitAsync(
            () => AgentBinary.RunAsync(["monitor", "--url", harness.Url.ToString(), "--token", IntegrationHarness.UserToken, "--once"], timeout: TimeSpan.FromSeconds(30))!,
            run => run is { ExitCode: 0 } && run.Text.Contains("after", StringComparison.Ordinal),
            "agent monitor --once to show the startup script's output");

        var text = monitor.Text;
        DashboardRendererSpecs.AssertNoControlCharacters(text);
        foreach (var shown in (string[])["␛]52;c;aGVsbG8=␇", "␛[2J␛[H", "�31m", "del ␡", "␍login:"])
            Assert.True(text.Contains(shown, StringComparison.Ordinal), $"\"{shown}\" is not in\n{text}");
        Assert.Contains("after", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MonitorOnce_TwoLogSources_ShowsEachSourcesLinesUnderItsDisplayName()
    {
        const string Alpha = "a1000000-0000-4000-8000-000000000001";
        const string Beta = "b2000000-0000-4000-8000-000000000002";
        await using var harness = new IntegrationHarness();
        var manifest = Manifests.With();
        manifest["scripts"] = new JsonArray(
            new JsonObject { ["log_source_id"] = Alpha, ["script"] = "echo alpha-$((6*7))", ["run_on_start"] = true, ["display_name"] = "alpha script" },
            new JsonObject { ["log_source_id"] = Beta, ["script"] = "echo beta-$((6*7))", ["run_on_start"] = true, ["display_name"] = "beta script" });
        manifest["log_sources"] = new JsonArray(
            new JsonObject { ["id"] = Alpha, ["display_name"] = "Alpha Source", ["icon"] = string.Empty },
            new JsonObject { ["id"] = Beta, ["display_name"] = "Beta Source", ["icon"] = string.Empty });
        harness.WriteWorkspace(manifest);
        await harness.StartServerAsync();
        harness.StartAgent();
        await harness.WaitForLifecycleAsync("ready");

        var monitor = await Eventually.WaitAsync(
            () => AgentBinary.RunAsync(["monitor", "--url", harness.Url.ToString(), "--token", IntegrationHarness.UserToken, "--once"], timeout: TimeSpan.FromSeconds(30))!,
            run => run is { ExitCode: 0 } && run.Text.Contains("alpha-42", StringComparison.Ordinal) && run.Text.Contains("beta-42", StringComparison.Ordinal),
            "agent monitor --once to show both scripts' output");

        // Each source is a heading (its display name) followed by its own lines only.
        var lines = monitor.Text.Split('\n').Select(line => line.Trim(' ', '│', '┃', '|')).ToArray();
        var alpha = Array.IndexOf(lines, "Alpha Source");
        var beta = Array.IndexOf(lines, "Beta Source");
        Assert.True(alpha >= 0 && beta > alpha, monitor.Text);
        Assert.Contains(lines[(alpha + 1)..beta], line => line.EndsWith(" alpha-42", StringComparison.Ordinal));
        Assert.DoesNotContain(lines[(alpha + 1)..beta], line => line.Contains("beta-42", StringComparison.Ordinal));
        Assert.EndsWith(" beta-42", lines[beta + 1], StringComparison.Ordinal);
    }
}
