using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Agent.Reactive.Scripts;
using Agent.Specs.Utilities;

namespace Agent.Specs.Integration;

/// <summary>
/// The manifest's scripts on a real <c>agent dev --ssh-address</c>: two scripts with two log sources, each source's
/// lines served apart (real <c>curl</c>), and a real OpenSSH <c>ssh</c> that waits for a <c>start_blocks_login</c> script.
/// </summary>
[Trait("Category", "Integration")]
public sealed class ScriptsIntegrationSpecs : IAsyncLifetime
{
    private const string Alpha = "a1000000-0000-4000-8000-000000000001";
    private const string Beta = "b2000000-0000-4000-8000-000000000002";

    private readonly IntegrationHarness _harness = new();
    private readonly int _port = FreePort.Next();

    private string Key => _harness.Combine("id");

    public async Task InitializeAsync()
    {
        var keygen = await ProcessRunner.RunAsync("ssh-keygen", ["-q", "-t", "ed25519", "-N", string.Empty, "-f", Key]);
        Assert.Equal(0, keygen.ExitCode);
        await File.WriteAllTextAsync(_harness.Combine("authorized_keys"), await File.ReadAllTextAsync(Key + ".pub"));
    }

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task Dev_BlockingScriptAndASecondSource_SshWaitsForTheGateFileAndEachSourceIsServedApart()
    {
        var gate = _harness.Combine("gate");
        await StartAsync(
            Script(Alpha, $"echo from-alpha; for i in $(seq 1200); do [ -e '{gate}' ] && break; sleep 0.05; done; echo alpha-done", TimeSpan.FromMinutes(1)),
            Script(Beta, "echo from-beta", TimeSpan.Zero, blocks: false));

        // The command says whether the gate file was there when it ran: only a session held until then says "after".
        var session = Ssh($"[ -e '{gate}' ] && echo session-after || echo session-before");
        await _harness.Agent!.WaitForOutputAsync("waits for the startup scripts that block logins");

        await File.WriteAllTextAsync(gate, string.Empty);
        var result = await session;

        Assert.Equal("session-after\n", result.Text);
        Assert.Equal(["starting", "ready"], await _harness.WaitForLifecycleAsync("ready"));
        await Eventually.WaitAsync(async () => (await CurlAsync($"logs?source={Alpha}")).Contains("alpha-done", StringComparison.Ordinal), done => done, "the alpha source's lines");
        var alpha = Outputs(await CurlAsync($"logs?source={Alpha}"));
        var beta = Outputs(await CurlAsync($"logs?source={Beta}"));
        Assert.Equal(["from-alpha", "alpha-done"], alpha);
        Assert.Equal(["from-beta"], beta);
        var sources = JsonDocument.Parse(await CurlAsync("log-sources")).RootElement.EnumerateArray()
            .Select(s => (s.GetProperty("display_name").GetString(), s.GetProperty("count").GetInt32())).ToList();
        Assert.Contains(("Alpha", 2), sources);
        Assert.Contains(("Beta", 1), sources);
        Assert.Equal("from-beta\n", await File.ReadAllTextAsync(Path.Join(_harness.LogDirectory, $"coder-script-{Beta}.log")));
        Assert.Contains("400", await CurlAsync("logs?source=c3000000-0000-4000-8000-000000000003", "-w", "%{http_code}"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dev_BlockingScript_WebTerminalThroughTheControlPlaneStartsItsCommandOnlyAfterTheGateFile()
    {
        var gate = _harness.Combine("gate");
        await StartAsync(Script(Alpha, $"for i in $(seq 1200); do [ -e '{gate}' ] && break; sleep 0.05; done", TimeSpan.FromMinutes(1)));
        await _harness.Agent!.WaitForOutputAsync("startup scripts block logins until they finish");

        // The command says whether the gate file was there when it started; $((6*7)) keeps it from matching itself.
        var command = $"if [ -e '{gate}' ]; then echo term-after-$((6*7)); else echo term-before-$((6*7)); fi; sleep 30";
        await using var terminal = await TerminalClient.ConnectAsync(_harness.Url, Guid.NewGuid().ToString(), command);
        var held = await Eventually.WaitAsync(
            () => Task.FromResult<string?>(terminal.Text),
            text => text!.Contains(LoginGate.WaitingLine, StringComparison.Ordinal) || text.Contains("-42", StringComparison.Ordinal),
            "the terminal's waiting line (or the command's output)");
        Assert.Contains(LoginGate.WaitingLine, held, StringComparison.Ordinal);
        Assert.DoesNotContain("-42", held, StringComparison.Ordinal);

        await File.WriteAllTextAsync(gate, string.Empty);
        var ran = await Eventually.WaitAsync(
            () => Task.FromResult<string?>(terminal.Text),
            text => text!.Contains("-42", StringComparison.Ordinal),
            "the command's output after the gate file");

        Assert.Contains("term-after-42", ran, StringComparison.Ordinal);
        Assert.DoesNotContain("term-before-42", ran, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dev_BlockingScriptPastItsTimeout_SshProceedsWithANotice()
    {
        // Long enough for the session to start while the script blocks (agent dev is up in a second or two).
        await StartAsync(Script(Alpha, "sleep 30", TimeSpan.FromSeconds(6)));

        var started = DateTimeOffset.UtcNow;
        var result = await Ssh("echo in");

        Assert.Equal("in\n", result.Text);
        Assert.Contains("the Alpha script did not finish within 00:00:06: logging in anyway", result.Error, StringComparison.Ordinal);
        Assert.InRange(DateTimeOffset.UtcNow - started, TimeSpan.Zero, TimeSpan.FromSeconds(20));
    }

    private static JsonObject Script(string source, string text, TimeSpan timeout, bool blocks = true) => new()
    {
        ["log_source_id"] = source,
        ["script"] = text,
        ["run_on_start"] = true,
        ["start_blocks_login"] = blocks,
        ["timeout"] = Manifests.Nanoseconds(timeout),
        ["display_name"] = source == Alpha ? "alpha script" : "beta script",
    };

    private static string[] Outputs(string json)
        => [.. JsonDocument.Parse(json).RootElement.EnumerateArray().Select(line => line.GetProperty("output").GetString()!)];

    private async Task StartAsync(params JsonObject[] scripts)
    {
        var manifest = Manifests.With();
        manifest["scripts"] = new JsonArray(scripts);
        manifest["log_sources"] = new JsonArray(
            new JsonObject { ["id"] = Alpha, ["display_name"] = "Alpha", ["icon"] = string.Empty },
            new JsonObject { ["id"] = Beta, ["display_name"] = "Beta", ["icon"] = string.Empty });
        _harness.WriteWorkspace(manifest);
        await _harness.StartDevAsync("--ssh-address", $"127.0.0.1:{_port}", "--authorized-keys", _harness.Combine("authorized_keys"));
        await _harness.Agent!.WaitForOutputAsync($"SSH server listening on 127.0.0.1:{_port}");
    }

    private Task<ProcessRunner.Result> Ssh(string command)
        => ProcessRunner.RunAsync(
            "ssh",
            [
                "-F", "/dev/null", "-i", Key, "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no",
                "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR", "-p", _port.ToString(CultureInfo.InvariantCulture), "127.0.0.1", command,
            ],
            [],
            TimeSpan.FromSeconds(60));

    private async Task<string> CurlAsync(string relative, params string[] extra)
    {
        var result = await ProcessRunner.RunAsync(
            "curl",
            ["-s", "--max-time", "20", "-H", $"Coder-Session-Token: {IntegrationHarness.UserToken}", .. extra, new Uri(_harness.Url, $"api/v2/workspaceagents/{IntegrationHarness.AgentName}/{relative}").ToString()]);
        Assert.Equal(0, result.ExitCode);
        return result.Text;
    }
}
