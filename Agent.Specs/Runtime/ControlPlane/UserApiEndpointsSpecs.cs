using System.Text.Json;
using Agent.Reactive.Protocol;

namespace Agent.Specs.Runtime.ControlPlane;

/// <summary>The user API of the embedded control plane, driven by real <c>curl</c> and the agent client.</summary>
public sealed class UserApiEndpointsSpecs : IAsyncLifetime
{
    private const string Agents = "api/v2/workspaceagents/";
    private static readonly DateTimeOffset At = new(2023, 6, 6, 12, 0, 0, TimeSpan.Zero);
    private ControlPlaneHarness _harness = null!;

    public async Task InitializeAsync() => _harness = await ControlPlaneHarness.StartAsync();

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-token")]
    [InlineData("0b6a4c1e-8d2f-4e5a-9c3b-1a2b3c4d5e6f")] // the main agent's token is not a user token
    public async Task AnyCall_NotAUserToken_401Json(string? token)
    {
        var answer = token is null
            ? await _harness.CurlAsync(Agents + "main")
            : await _harness.CurlAsync(Agents + "main", "-H", $"Coder-Session-Token: {token}");

        Assert.Equal(401, answer.Status);
        Assert.NotEmpty(answer.Message());
    }

    [Fact]
    public async Task AnyCall_UnknownAgent_404Json()
    {
        var answer = await UserCurlAsync(Agents + "nobody/lifecycle");

        Assert.Equal(404, answer.Status);
        Assert.Equal("Workspace agent not found.", answer.Message());
    }

    [Fact]
    public async Task Summary_AfterReports_ShowsStatusLifecycleVersionAppsAndStats()
    {
        var client = _harness.Agent();
        await client.PostStartupAsync(new StartupRequest("v0.1.0", "/home/coder/src", ""), CancellationToken.None);
        await client.PostLifecycleAsync(new LifecycleReport(LifecycleState.Ready, At), CancellationToken.None);
        await client.PostAppHealthAsync(new AppHealthRequest(new Dictionary<Guid, AppHealth> { [ControlPlaneHarness.WebAppId] = AppHealth.Healthy }), CancellationToken.None);
        await client.PostStatsAsync(new Stats { ConnectionsByProto = new Dictionary<string, long> { ["TCP"] = 1 }, SessionCountSsh = 1 }, CancellationToken.None);

        var answer = await UserCurlAsync(Agents + "main");

        Assert.Equal(200, answer.Status);
        var summary = JsonDocument.Parse(answer.Body).RootElement;
        Assert.Equal("main", summary.GetProperty("name").GetString());
        Assert.Equal("connected", summary.GetProperty("status").GetString());
        Assert.Equal("ready", summary.GetProperty("lifecycle_state").GetString());
        Assert.Equal("v0.1.0", summary.GetProperty("version").GetString());
        Assert.Equal("/home/coder/src", summary.GetProperty("expanded_directory").GetString());
        var apps = summary.GetProperty("apps").EnumerateArray().ToDictionary(app => app.GetProperty("slug").GetString()!, app => app.GetProperty("health").GetString());
        Assert.Equal("healthy", apps["web"]);
        Assert.Equal("disabled", apps["docs"]);
        Assert.Equal(1, summary.GetProperty("last_stats").GetProperty("session_count_ssh").GetInt64());
    }

    [Fact]
    public async Task Summary_AgentNeverCalled_IsDisconnectedAndCreated()
    {
        var answer = await _harness.CurlAsync($"{Agents}other?coder_session_token={ControlPlaneHarness.UserToken}");

        var summary = JsonDocument.Parse(answer.Body).RootElement;
        Assert.Equal("disconnected", summary.GetProperty("status").GetString());
        Assert.Equal("created", summary.GetProperty("lifecycle_state").GetString());
        Assert.Equal(JsonValueKind.Null, summary.GetProperty("last_stats").ValueKind);
    }

    [Fact]
    public async Task Logs_BySource_ListCreatedAtOutputAndLevel()
    {
        var client = _harness.Agent();
        await client.PatchStartupLogsAsync(new StartupLogsRequest([new StartupLog(At, "one"), new StartupLog(At.AddSeconds(1), "two", "debug")]), CancellationToken.None);
        await client.PatchStartupLogsAsync(new StartupLogsRequest([new StartupLog(At.AddSeconds(2), "bye")], LogSources.Shutdown), CancellationToken.None);

        var startup = JsonDocument.Parse((await UserCurlAsync(Agents + "main/startup-logs")).Body).RootElement;
        var shutdown = JsonDocument.Parse((await UserCurlAsync(Agents + "main/shutdown-logs")).Body).RootElement;

        Assert.Equal(["one", "two"], startup.EnumerateArray().Select(log => log.GetProperty("output").GetString()));
        Assert.Equal(["info", "debug"], startup.EnumerateArray().Select(log => log.GetProperty("level").GetString()));
        Assert.Equal(At, startup[0].GetProperty("created_at").GetDateTimeOffset());
        Assert.Equal("bye", Assert.Single(shutdown.EnumerateArray()).GetProperty("output").GetString());
    }

    [Fact]
    public async Task Metadata_EveryManifestItem_WithResultOrNull()
    {
        await _harness.Agent().PostMetadataAsync("cpu", new MetadataResult(At, 0, "0.42", ""), CancellationToken.None);

        var answer = await UserCurlAsync(Agents + "main/metadata");

        var items = JsonDocument.Parse(answer.Body).RootElement.EnumerateArray().ToList();
        Assert.Equal(["cpu", "host"], items.Select(item => item.GetProperty("key").GetString()));
        Assert.Equal("CPU load", items[0].GetProperty("display_name").GetString());
        var result = items[0].GetProperty("result");
        Assert.Equal("0.42", result.GetProperty("value").GetString());
        Assert.Equal(string.Empty, result.GetProperty("error").GetString());
        Assert.True(result.GetProperty("age").GetInt64() >= 0);
        Assert.True(result.GetProperty("collected_at").GetDateTimeOffset() > At);
        Assert.Equal(JsonValueKind.Null, items[1].GetProperty("result").ValueKind);
    }

    private Task<CurlResult> UserCurlAsync(string path)
        => _harness.CurlAsync(path, "-H", $"Coder-Session-Token: {ControlPlaneHarness.UserToken}");
}
