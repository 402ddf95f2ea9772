using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Agent.Specs.Utilities;

namespace Agent.Specs.Integration;

/// <summary>
/// <c>agent server</c> and <c>agent run</c> as real processes on loopback, with a private home, log directory
/// and workspace file, and a client of the server's user API to watch what the agent reported.
/// </summary>
public sealed class IntegrationHarness : IAsyncDisposable
{
    public const string UserToken = "spec-user-token";
    public const string AgentName = "main";

    private readonly TempDirectory _directory = new();
    private readonly HttpClient _http;
    private readonly List<RunningProcess> _processes = [];

    public IntegrationHarness()
    {
        Port = FreePort.Next();
        Url = new Uri($"http://127.0.0.1:{Port}/");
        Directory.CreateDirectory(Home);
        Directory.CreateDirectory(LogDirectory);
        _http = new HttpClient { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(10) };
        _http.DefaultRequestHeaders.Add("Coder-Session-Token", UserToken);
    }

    public string AgentToken { get; } = Guid.NewGuid().ToString();

    public int Port { get; }

    public Uri Url { get; }

    public string Home => _directory.Combine("home");

    public string LogDirectory => _directory.Combine("logs");

    public string WorkspaceFile => _directory.Combine("workspace.json");

    public RunningProcess? Server { get; private set; }

    public RunningProcess? Agent { get; private set; }

    public string Combine(params string[] parts) => _directory.Combine(parts);

    /// <summary>Writes the workspace file with one agent whose wire manifest is <paramref name="manifest"/>.</summary>
    public void WriteWorkspace(JsonObject manifest)
    {
        var workspace = new JsonObject
        {
            ["user_tokens"] = new JsonArray(UserToken),
            ["agents"] = new JsonArray(new JsonObject
            {
                ["name"] = AgentName,
                ["token"] = AgentToken,
                ["manifest"] = manifest,
            }),
        };
        File.WriteAllText(WorkspaceFile, workspace.ToJsonString());
    }

    /// <summary>The control plane's data directory (its SQLite database) unless a spec gives <c>--data-dir</c> or <c>--database</c>.</summary>
    public string ServerDataDirectory => _directory.Combine("server-data");

    public Task<RunningProcess> StartServerAsync(params string[] extra) => StartServerAsync(new Dictionary<string, string>(), extra);

    /// <summary>Starts <c>agent server</c> on this harness's port and workspace with <paramref name="environment"/> added to its environment.</summary>
    public async Task<RunningProcess> StartServerAsync(IReadOnlyDictionary<string, string> environment, params string[] extra)
    {
        string[] data = extra.Any(argument => argument is "--data-dir" or "--database") ? [] : ["--data-dir", ServerDataDirectory];
        var info = AgentBinary.StartInfo(["server", "--address", $"127.0.0.1:{Port}", "--workspace", WorkspaceFile, .. data, .. extra]);
        foreach (var (name, value) in environment)
            info.Environment[name] = value;
        var server = RunningProcess.Start(info, "agent server");
        _processes.Add(server);
        Server = server;
        await Eventually.WaitAsync(
            async () => (await _http.GetAsync($"api/v2/workspaceagents/{AgentName}")).IsSuccessStatusCode,
            ok => ok,
            $"agent server to answer\n{server.Output}");
        return server;
    }

    /// <summary>Runs <c>agent dev</c> (control plane and agent in one process) on this harness's workspace and port.</summary>
    public async Task<RunningProcess> StartDevAsync(params string[] extra)
    {
        var info = AgentBinary.StartInfo(["dev", "--workspace", WorkspaceFile, "--address", $"127.0.0.1:{Port}", "--log-dir", LogDirectory, .. extra]);
        info.Environment["HOME"] = Home;
        var dev = RunningProcess.Start(info, "agent dev");
        _processes.Add(dev);
        Server = dev;
        Agent = dev;
        await Eventually.WaitAsync(
            async () =>
            {
                using var response = await _http.GetAsync($"api/v2/workspaceagents/{AgentName}");
                return response.IsSuccessStatusCode && (await response.Content.ReadAsStringAsync()).Contains("\"relay\":\"connected\"", StringComparison.Ordinal);
            },
            ok => ok,
            $"agent dev to answer with the agent's relay up\n{dev.Output}");
        return dev;
    }

    public RunningProcess StartAgent(params string[] extra) => StartAgent(null, extra);

    /// <summary>
    /// Starts <c>agent run --url URL --token TOKEN --poll-interval 250ms --log-dir DIR</c> as README documents it, with each
    /// of those options left out when <paramref name="extra"/> gives it (<c>--token-file</c> stands for <c>--token</c>), then
    /// lets <paramref name="configure"/> change the start.
    /// </summary>
    public RunningProcess StartAgent(Action<ProcessStartInfo>? configure, params string[] extra)
    {
        List<string> arguments = [];
        if (!extra.Contains("--url"))
            arguments.AddRange(["--url", Url.ToString()]);
        if (!extra.Contains("--token") && !extra.Contains("--token-file"))
            arguments.AddRange(["--token", AgentToken]);
        if (!extra.Contains("--poll-interval"))
            arguments.AddRange(["--poll-interval", "250ms"]);
        if (!extra.Contains("--log-dir"))
            arguments.AddRange(["--log-dir", LogDirectory]);
        return StartRun([.. arguments, .. extra], new Dictionary<string, string>(), configure);
    }

    /// <summary>
    /// Starts <c>agent run</c> with exactly <paramref name="arguments"/> (and this harness's data directory) on its command
    /// line and <paramref name="environment"/> as the only settings in its environment: how a spec runs a variable's path.
    /// </summary>
    public RunningProcess StartAgentWithEnvironment(IReadOnlyDictionary<string, string> environment, params string[] arguments)
        => StartRun(arguments, environment, configure: null);

    private RunningProcess StartRun(string[] arguments, IReadOnlyDictionary<string, string> environment, Action<ProcessStartInfo>? configure)
    {
        var info = AgentBinary.StartInfo(["run", "--data-dir", Combine("data"), .. arguments]);
        info.Environment["HOME"] = Home;
        foreach (var (name, value) in environment)
            info.Environment[name] = value;
        configure?.Invoke(info);
        var agent = RunningProcess.Start(info, "agent run");
        _processes.Add(agent);
        Agent = agent;
        return agent;
    }

    /// <summary>Writes <paramref name="token"/> to a private (0600) file in this harness's directory, as <c>--token-file</c> wants it.</summary>
    public string WriteTokenFile(string name, string token)
    {
        var path = Combine(name);
        File.WriteAllText(path, token + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return path;
    }

    public async Task<JsonElement> GetAsync(string relative)
    {
        using var response = await _http.GetAsync($"api/v2/workspaceagents/{AgentName}{relative}");
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    public async Task<string[]> LifecycleStatesAsync()
        => (await GetAsync("/lifecycle")).EnumerateArray().Select(r => r.GetProperty("state").GetString()!).ToArray();

    public async Task<string[]> LogLinesAsync(string source = "startup")
        => (await GetAsync($"/{source}-logs")).EnumerateArray().Select(r => r.GetProperty("output").GetString()!).ToArray();

    /// <summary>Waits until the reported lifecycle ends with <paramref name="state"/>; returns every state reported.</summary>
    public Task<string[]> WaitForLifecycleAsync(string state, TimeSpan? timeout = null)
        => Eventually.WaitAsync(
            async () => await LifecycleStatesAsync(),
            states => states is { Length: > 0 } && states[^1] == state,
            $"lifecycle {state}\n--- agent ---\n{Agent?.Output}",
            timeout);

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
            process.Dispose();
        _http.Dispose();
        _directory.Dispose();
        await Task.CompletedTask;
    }
}
