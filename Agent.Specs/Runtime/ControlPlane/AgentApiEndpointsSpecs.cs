using System.Text.Json;
using Agent.Reactive.Protocol;
using Agent.Runtime.ControlPlane;
using Microsoft.Extensions.Logging;

namespace Agent.Specs.Runtime.ControlPlane;

/// <summary>The agent API of the embedded control plane, driven by real <c>curl</c>.</summary>
public sealed class AgentApiEndpointsSpecs : IAsyncLifetime
{
    private const string Me = "api/v2/workspaceagents/me/";
    private ControlPlaneHarness _harness = null!;

    public async Task InitializeAsync() => _harness = await ControlPlaneHarness.StartAsync(new ControlPlaneOptions
    {
        StatsInterval = TimeSpan.FromSeconds(7),
    });

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task AnyCall_NoToken_401Invalid()
    {
        var answer = await _harness.CurlAsync(Me + "manifest");

        Assert.Equal(401, answer.Status);
        Assert.Equal("Workspace agent token invalid.", answer.Message());
    }

    [Fact]
    public async Task AnyCall_TokenNotAUuid_401Invalid()
    {
        var answer = await _harness.CurlAsync(Me + "manifest", "-H", "Coder-Session-Token: not-a-uuid");

        Assert.Equal(401, answer.Status);
        Assert.Equal("Workspace agent token invalid.", answer.Message());
    }

    [Fact]
    public async Task AnyCall_UnknownUuid_401NotAuthorized()
    {
        var answer = await _harness.CurlAsAgentAsync("GET", Me + "manifest", token: Guid.NewGuid());

        Assert.Equal(401, answer.Status);
        Assert.Equal("Workspace agent not authorized.", answer.Message());
    }

    [Fact]
    public async Task Manifest_TokenInQuery_ServesThatAgentsManifest()
    {
        var answer = await _harness.CurlAsync($"{Me}manifest?coder_session_token={ControlPlaneHarness.OtherToken}");

        Assert.Equal(200, answer.Status);
        Assert.Equal("echo other", JsonSerializer.Deserialize(answer.Body, AgentJsonContext.Default.Manifest)!.StartupScript);
    }

    [Fact]
    public async Task Manifest_Durations_AreNanosecondsOnTheWire()
    {
        var answer = await _harness.CurlAsAgentAsync("GET", Me + "manifest");

        using var document = JsonDocument.Parse(answer.Body);
        Assert.Equal(60_000_000_000, document.RootElement.GetProperty("startup_script_timeout").GetInt64());
    }

    [Theory]
    [InlineData("v0.24.0", 200)]
    [InlineData("1.2.3-devel+abc", 200)]
    [InlineData("latest", 400)]
    [InlineData("v1.2", 400)]
    public async Task Startup_Version_MustLookLikeSemver(string version, int status)
    {
        var answer = await _harness.CurlAsAgentAsync("POST", Me + "startup", $$"""{"version":"{{version}}","expanded_directory":"/src","subsystem":""}""");

        Assert.Equal(status, answer.Status);
        Assert.Equal(status == 200 ? version : string.Empty, Main().Summary().Version);
    }

    [Fact]
    public async Task Lifecycle_EveryReport_204AndListedInOrder()
    {
        string[] states = ["starting", "start_timeout", "ready", "shutting_down", "off"];
        foreach (var (state, i) in states.Select((state, i) => (state, i)))
        {
            var answer = await _harness.CurlAsAgentAsync("POST", Me + "report-lifecycle", $$"""{"state":"{{state}}","changed_at":"2023-06-06T12:00:0{{i}}Z"}""");
            Assert.Equal(204, answer.Status);
        }

        var lifecycle = await _harness.CurlAsync("api/v2/workspaceagents/main/lifecycle", "-H", $"Coder-Session-Token: {ControlPlaneHarness.UserToken}");

        using var document = JsonDocument.Parse(lifecycle.Body);
        Assert.Equal(states, document.RootElement.EnumerateArray().Select(report => report.GetProperty("state").GetString()));
        var reports = JsonSerializer.Deserialize(lifecycle.Body, ControlPlaneJsonContext.Default.IReadOnlyListLifecycleReport)!;
        Assert.Equal(new DateTimeOffset(2023, 6, 6, 12, 0, 4, TimeSpan.Zero), reports[^1].ChangedAt);
    }

    [Fact]
    public async Task StartupLogs_EmptyBatch_400()
    {
        var answer = await _harness.CurlAsAgentAsync("PATCH", Me + "startup-logs", """{"logs":[]}""");

        Assert.Equal(400, answer.Status);
        Assert.Equal("No logs provided.", answer.Message());
    }

    [Fact]
    public async Task StartupLogs_PastOneMebibyteInTotal_413AndEarlierLogsKept()
    {
        var refused = await PastOneMebibyteOfLogsAsync();

        Assert.Equal(413, refused.Status);
        Assert.Equal("Startup logs limit exceeded", refused.Message());
        Assert.Equal(1000, Main().Logs(LogSources.Startup).Count);
        Assert.True(Main().Summary().StartupLogsOverflowed);
    }

    [Fact]
    public async Task StartupLogs_PastOneMebibyteInTotal_RefusalLoggedAsWarningWithEventId6242()
    {
        await PastOneMebibyteOfLogsAsync();

        var refusal = Assert.Single(_harness.Logs.Entries, entry => entry.Message.Contains("startup logs refused", StringComparison.Ordinal));
        Assert.Equal((LogLevel.Warning, 6242), (refusal.Level, refusal.EventId.Id));
        Assert.Contains("Agent main: startup logs refused, the agent's logs reached 1048576 bytes", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartupLogs_ShutdownSource_GoesToShutdownLogs()
    {
        await _harness.CurlAsAgentAsync("PATCH", Me + "startup-logs", """{"logs":[{"created_at":"2023-06-06T12:00:00Z","output":"starting up","level":""}]}""");
        var answer = await _harness.CurlAsAgentAsync("PATCH", Me + "startup-logs", """{"logs":[{"created_at":"2023-06-06T12:00:01Z","output":"bye","level":"warn"}],"log_source":"shutdown"}""");

        Assert.Equal(200, answer.Status);
        var shutdown = Assert.Single(Main().Logs(LogSources.Shutdown));
        Assert.Equal(("bye", "warn"), (shutdown.Output, shutdown.Level));
        var startup = Assert.Single(Main().Logs(LogSources.Startup));
        Assert.Equal(("starting up", "info"), (startup.Output, startup.Level));
    }

    [Theory]
    [InlineData("""{"logs":[{"output":"x","level":"loud"}]}""", "Invalid log level provided.")]
    [InlineData("""{"logs":[{"output":"x"}],"log_source":"build"}""", "Invalid log source provided.")]
    public async Task StartupLogs_BadLevelOrSource_400(string json, string message)
    {
        var answer = await _harness.CurlAsAgentAsync("PATCH", Me + "startup-logs", json);

        Assert.Equal(400, answer.Status);
        Assert.Equal(message, answer.Message());
    }

    [Fact]
    public async Task Metadata_ValuePast32KiB_TruncatedWithCodersErrorAndServerTime()
    {
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        var value = new string('v', 40_000);

        var answer = await CurlFileAsync("POST", Me + "metadata/cpu", $$"""{"collected_at":"2001-01-01T00:00:00Z","age":0,"value":"{{value}}","error":""}""");

        Assert.Equal(204, answer.Status);
        var result = Main().Metadata().Single(entry => entry.Key == "cpu").Result!;
        Assert.Equal(32 * 1024, result.Value.Length);
        Assert.Equal("value of 40000 bytes exceeded 32768 bytes", result.Error);
        Assert.True(result.CollectedAt >= before, $"collected_at {result.CollectedAt} is not server time");
    }

    [Fact]
    public async Task Metadata_KeyNotInManifest_204AndDropped()
    {
        var answer = await _harness.CurlAsAgentAsync("POST", Me + "metadata/unknown", """{"collected_at":"2023-06-06T12:00:00Z","age":0,"value":"1","error":""}""");

        Assert.Equal(204, answer.Status);
        Assert.DoesNotContain(Main().Metadata(), entry => entry.Key == "unknown");
    }

    [Theory]
    [InlineData("""{"Healths":{}}""", 400)]
    [InlineData("""{"Healths":{"9e0c0a4e-1111-4222-8333-444455556666":"healthy"}}""", 404)]
    [InlineData("""{"Healths":{"4a3e0f5e-0000-4000-8000-000000000002":"healthy"}}""", 404)]
    [InlineData("""{"Healths":{"3f2b9a64-5d1e-4c3a-9b7f-0e8d6c5a4b21":"disabled"}}""", 400)]
    [InlineData("""{"healths":{"3f2b9a64-5d1e-4c3a-9b7f-0e8d6c5a4b21":"unhealthy"}}""", 200)]
    public async Task AppHealth_Request_AnsweredWithCodersStatus(string json, int status)
    {
        var answer = await _harness.CurlAsAgentAsync("POST", Me + "app-health", json);

        Assert.Equal(status, answer.Status);
        var web = Main().Summary().Apps.Single(app => app.Id == ControlPlaneHarness.WebAppId);
        Assert.Equal(status == 200 ? AppHealth.Unhealthy : AppHealth.Initializing, web.Health);
    }

    [Fact]
    public async Task ReportStats_Answer_IsTheConfiguredIntervalInNanoseconds()
    {
        var answer = await _harness.CurlAsAgentAsync("POST", Me + "report-stats", """{"connections_by_proto":{"TCP":2},"connection_count":2,"rx_bytes":10}""");

        Assert.Equal(200, answer.Status);
        Assert.Equal("""{"report_interval":7000000000}""", answer.Body);
        Assert.Equal(10, Main().Summary().LastStats!.RxBytes);
    }

    [Fact]
    public async Task ReportStats_NoConnectionData_OnlyAnswersTheInterval()
    {
        var answer = await _harness.CurlAsAgentAsync("POST", Me + "report-stats", "{}");

        Assert.Equal(200, answer.Status);
        Assert.Null(Main().Summary().LastStats);
    }

    [Fact]
    public async Task MalformedJson_400WithJsonMessage_AndServerKeepsServing()
    {
        var broken = await _harness.CurlAsAgentAsync("POST", Me + "report-lifecycle", """{"state": "starting",""");
        var badEnum = await _harness.CurlAsAgentAsync("POST", Me + "report-lifecycle", """{"state": "sleeping"}""");
        var after = await _harness.CurlAsAgentAsync("POST", Me + "report-lifecycle", """{"state": "ready"}""");

        Assert.Equal((400, "Request body is not valid JSON."), (broken.Status, broken.Message()));
        Assert.Equal(400, badEnum.Status);
        Assert.Equal(204, after.Status);
        Assert.Equal(LifecycleState.Ready, Assert.Single(Main().Lifecycle()).State);
    }

    [Fact]
    public async Task AnyCall_BodyPastTheLimit_413()
    {
        await using var small = await ControlPlaneHarness.StartAsync(new ControlPlaneOptions { MaxRequestBodyBytes = 64 << 10 });

        var answer = await CurlFileAsync(small, "PATCH", Me + "startup-logs", LogsJson([new string('x', 70 << 10)]));

        Assert.Equal(413, answer.Status);
        Assert.Empty(small.Server.Store.FindByName("main")!.Logs(LogSources.Startup));
    }

    /// <summary>Sends 1000 KiB of startup logs (accepted), then 30 KiB more, and returns the refusal.</summary>
    private async Task<CurlResult> PastOneMebibyteOfLogsAsync()
    {
        var kilobyte = new string('x', 1024);
        var accepted = await CurlFileAsync("PATCH", Me + "startup-logs", LogsJson(Enumerable.Repeat(kilobyte, 1000)));
        Assert.Equal(200, accepted.Status);
        return await CurlFileAsync("PATCH", Me + "startup-logs", LogsJson(Enumerable.Repeat(kilobyte, 30)));
    }

    private static string LogsJson(IEnumerable<string> lines)
        => JsonSerializer.Serialize(
            new StartupLogsRequest(lines.Select(line => new StartupLog(DateTimeOffset.UnixEpoch, line)).ToList()),
            AgentJsonContext.Default.StartupLogsRequest);

    private ControlPlaneAgent Main() => _harness.Server.Store.FindByName("main")!;

    private Task<CurlResult> CurlFileAsync(string method, string path, string json) => CurlFileAsync(_harness, method, path, json);

    /// <summary>Large bodies go through a file: a command line has a size limit.</summary>
    private static async Task<CurlResult> CurlFileAsync(ControlPlaneHarness harness, string method, string path, string json)
    {
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, json);
            return await harness.CurlAsync(
                path,
                "-X", method,
                "-H", $"Coder-Session-Token: {ControlPlaneHarness.MainToken}",
                "-H", "Content-Type: application/json",
                "--data-binary", "@" + file);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
