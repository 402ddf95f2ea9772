using System.Diagnostics;

namespace Agent.Specs.Integration;

/// <summary>
/// A person at a browser: headless Chromium (Debian's, driven by playwright-core) opens <c>agent dev</c>'s
/// <c>/terminal</c> page, types a command and sees its output on the xterm.js screen.
/// </summary>
[Trait("Category", "Integration")]
public sealed class BrowserTerminalSpecs
{
    [Fact]
    public async Task TerminalPage_TypeEcho_SeeTheOutput()
    {
        await using var harness = new IntegrationHarness();
        harness.WriteWorkspace(Manifests.With());
        await harness.StartDevAsync();
        var browser = Path.Join(AgentBinary.RepositoryRoot, "Agent.Specs", "Browser");
        if (!Directory.Exists(Path.Join(browser, "node_modules", "playwright-core")))
            Assert.Equal(0, await RunAsync("npm", browser, "ci", "--no-audit", "--no-fund"));
        var page = $"{harness.Url}terminal?agent={IntegrationHarness.AgentName}&token={IntegrationHarness.UserToken}";

        var exitCode = await RunAsync("node", browser, "terminal-page.mjs", page, "echo hello-browser", "hello-browser", harness.Combine("terminal.png"));

        Assert.Equal(0, exitCode);
    }

    internal static async Task<int> RunAsync(string program, string directory, params string[] arguments)
    {
        var info = new ProcessStartInfo(program) { WorkingDirectory = directory, UseShellExecute = false };
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);
        using var process = RunningProcess.Start(WithRedirects(info), program);
        var exitCode = await process.WaitForExitAsync(TimeSpan.FromSeconds(120));
        Assert.True(exitCode == 0, $"{program} {string.Join(' ', arguments)} exited {exitCode}:\n{process.Output}");
        return exitCode;
    }

    private static ProcessStartInfo WithRedirects(ProcessStartInfo info)
    {
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.RedirectStandardInput = true;
        return info;
    }
}
