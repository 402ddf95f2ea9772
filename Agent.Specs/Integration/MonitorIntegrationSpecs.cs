
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
}
