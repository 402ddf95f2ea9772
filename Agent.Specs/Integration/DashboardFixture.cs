using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Agent.Specs.Integration;

/// <summary>
/// One <c>agent dev</c> as README documents it and one run of <c>Agent.Specs/Browser/dashboard.mjs</c> in headless
/// Chromium against it: the browser signs in with the <c>Dashboard:</c> URL the banner printed and goes through the
/// dashboard step by step (its sessions are recorded, <c>session_recording: "on"</c>; the agent's startup script waits until the browser has seen it starting on <c>/</c>, so the page must show it turn ready live); each spec
/// of <see cref="BrowserDashboardSpecs"/> reads its step from the report. The last step stops the server. Screenshots
/// go to <c>Agent.Specs/bin/screenshots/</c>.
/// </summary>
public sealed partial class DashboardFixture : IAsyncLifetime
{
    public const string HostileText = "<img src=x onerror=\"window.hostileRan=1\">";

    /// <summary>What the workspace's web app (python's http.server) serves at its root, opened through the port proxy.</summary>
    public const string AppPageText = "the workspace app, through the port proxy";

    /// <summary>The log source of the workspace's one manifest script (besides the old startup script's).</summary>
    private const string SecondSource = "5ec0d000-0000-4000-8000-000000000002";

    private readonly IntegrationHarness _harness = new();
    private RunningProcess? _app;

    public static string Screenshots => Path.Join(AgentBinary.RepositoryRoot, "Agent.Specs", "bin", "screenshots");

    public int Port => _harness.Port;

    /// <summary>The file the browser makes once it has seen the agent starting on <c>/</c>; the startup script waits for it (at most 60 s).</summary>
    private string Gate => _harness.Combine("startup-gate");

    /// <summary>The loopback port of the workspace's web app.</summary>
    public int AppPort { get; private set; }

    /// <summary>The steps of the browser's run by name, each with <c>ok</c> and what it saw.</summary>
    public JsonObject Report { get; private set; } = [];

    /// <summary>What the browser and <c>agent dev</c> printed, for failure messages.</summary>
    public string Output { get; private set; } = string.Empty;

    public async Task InitializeAsync()
    {
        var site = Directory.CreateDirectory(_harness.Combine("site")).FullName;
        await File.WriteAllTextAsync(Path.Join(site, "index.html"), $"<!doctype html><title>app</title><p id=\"app\">{AppPageText}</p>");
        (_app, AppPort) = await Relay.RelayFixture.StartHttpServerAsync("127.0.0.1", site);
        var manifest = Manifests.With(
            startupScript: $"echo dashboard startup line; i=0; while [ ! -e '{Gate}' ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done; echo '{HostileText}'; echo startup done",
            metadata:
            [
                Manifests.Metadata("clock", "date +%s%N", interval: 1, timeout: 1),
                Manifests.Metadata("hostile", $"echo '{HostileText}'", interval: 5, timeout: 1),
                Manifests.Metadata("failing", "echo partial; exit 3", interval: 5, timeout: 1),
            ],
            apps:
            [
                new JsonObject
                {
                    ["id"] = "5b8a2f0e-6f9c-4c1e-9d43-2a7e0f3b9c11",
                    ["slug"] = "web",
                    ["display_name"] = "Web",
                    ["url"] = $"http://localhost:{AppPort}",
                },
            ]);

        // A real volume over a threshold of 0 %: it warns after three one-second samples (the resources panel and badge).
        manifest["resources_monitoring"] = new JsonObject
        {
            ["volumes"] = new JsonArray(new JsonObject { ["path"] = _harness.Home, ["enabled"] = true, ["threshold"] = 0 }),
            ["collection_interval_seconds"] = 1,
        };
        manifest["session_recording"] = "on";
        manifest["scripts"] = new JsonArray(new JsonObject { ["log_source_id"] = SecondSource, ["script"] = "echo dashboard second source line", ["run_on_start"] = true });
        manifest["log_sources"] = new JsonArray(new JsonObject { ["id"] = SecondSource, ["display_name"] = "Second Source", ["icon"] = string.Empty });
        _harness.WriteWorkspace(manifest);
        var dev = await _harness.StartDevAsync();
        await dev.WaitForOutputAsync("Dashboard:");
        var login = DashboardLine().Match(dev.Output).Groups["url"].Value;

        var browser = Path.Join(AgentBinary.RepositoryRoot, "Agent.Specs", "Browser");
        if (!Directory.Exists(Path.Join(browser, "node_modules", "playwright-core")))
            await RunAsync("npm", browser, "ci", "--no-audit", "--no-fund");
        var report = _harness.Combine("dashboard-report.json");
        var node = await RunAsync("node", browser, "dashboard.mjs", login, IntegrationHarness.AgentName, dev.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), report, Screenshots, Gate);
        Output = $"--- browser ---\n{node}\n--- agent dev ---\n{dev.Output}";
        Report = JsonNode.Parse(await File.ReadAllTextAsync(report))!.AsObject();
    }

    /// <summary>The step's result, after asserting that it ran to its end.</summary>
    public JsonObject Step(string name)
    {
        var step = Report[name]?.AsObject();
        Assert.True(step is not null, $"the browser never reached step {name}\n{Output}");
        Assert.True(step["ok"]!.GetValue<bool>(), $"step {name} failed: {step["error"]}\n{Output}");
        return step;
    }

    public async Task DisposeAsync()
    {
        _app?.Dispose();
        await _harness.DisposeAsync();
    }

    [GeneratedRegex(@"Dashboard:\s+(?<url>http://\S+)")]
    private static partial Regex DashboardLine();

    private static async Task<string> RunAsync(string program, string directory, params string[] arguments)
    {
        var info = new ProcessStartInfo(program)
        {
            WorkingDirectory = directory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);
        using var process = RunningProcess.Start(info, program);
        var exitCode = await process.WaitForExitAsync(TimeSpan.FromSeconds(150));
        Assert.True(exitCode == 0, $"{program} {string.Join(' ', arguments)} exited {exitCode}:\n{process.Output}");
        return process.Output;
    }
}
