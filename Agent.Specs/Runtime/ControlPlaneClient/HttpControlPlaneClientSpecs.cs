using System.Net;
using System.Text.Json;
using Agent.Reactive.Effects;
using Agent.Reactive.Protocol;
using Agent.Runtime.ControlPlaneClient;
using Agent.Specs.Fakes.ControlPlane;
using Agent.Specs.Runtime.ControlPlane;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agent.Specs.Runtime.ControlPlaneClient;

public sealed class HttpControlPlaneClientSpecs
{
    private static readonly DateTimeOffset At = new(2023, 6, 6, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task ExchangeToken_TokenAuth_ReturnsConfiguredToken()
    {
        await using var harness = await ControlPlaneHarness.StartAsync();

        Assert.Equal(ControlPlaneHarness.MainToken.ToString(), await harness.Agent().ExchangeTokenAsync(CancellationToken.None));
    }

    [Fact]
    public async Task GetManifest_FromEmbeddedServer_RoundTripsTheWorkspaceManifest()
    {
        await using var harness = await ControlPlaneHarness.StartAsync();

        var manifest = await harness.Agent().GetManifestAsync(CancellationToken.None);

        Assert.Equal(
            JsonSerializer.Serialize(ControlPlaneHarness.MainManifest(), AgentJsonContext.Default.Manifest),
            JsonSerializer.Serialize(manifest, AgentJsonContext.Default.Manifest));
        Assert.Equal(TimeSpan.FromSeconds(60), manifest.StartupScriptTimeout);
    }

    [Fact]
    public async Task Reports_EveryCall_ReachTheStore()
    {
        await using var harness = await ControlPlaneHarness.StartAsync();
        var client = harness.Agent();

        await client.PostStartupAsync(new StartupRequest("v0.1.0", "/home/coder/src", ""), CancellationToken.None);
        await client.PostLifecycleAsync(new LifecycleReport(LifecycleState.Starting, At), CancellationToken.None);
        await client.PatchStartupLogsAsync(new StartupLogsRequest([new StartupLog(At, "hello")]), CancellationToken.None);
        await client.PostMetadataAsync("cpu", new MetadataResult(At, 0, "0.5", ""), CancellationToken.None);
        await client.PostAppHealthAsync(new AppHealthRequest(new Dictionary<Guid, AppHealth> { [ControlPlaneHarness.WebAppId] = AppHealth.Healthy }), CancellationToken.None);
        var interval = await client.PostStatsAsync(new Stats(), CancellationToken.None);

        var agent = harness.Server.Store.FindByName("main")!;
        var summary = agent.Summary();
        Assert.Equal("v0.1.0", summary.Version);
        Assert.Equal(LifecycleState.Starting, summary.LifecycleState);
        Assert.Equal(AppHealth.Healthy, summary.Apps.Single(app => app.Id == ControlPlaneHarness.WebAppId).Health);
        Assert.Equal("hello", Assert.Single(agent.Logs(LogSources.Startup)).Output);
        Assert.Equal("0.5", agent.Metadata().Single(entry => entry.Key == "cpu").Result!.Value);
        Assert.Equal(TimeSpan.FromSeconds(30), interval.ReportInterval);
    }

    [Fact]
    public async Task PatchStartupLogs_PastOneMebibyte_ThrowsWithStatus413()
    {
        await using var harness = await ControlPlaneHarness.StartAsync();
        var client = harness.Agent();
        var line = new string('x', 1024);
        var batch = new StartupLogsRequest(Enumerable.Range(0, 1025).Select(_ => new StartupLog(At, line)).ToList());

        var refused = await Assert.ThrowsAsync<ControlPlaneException>(() => client.PatchStartupLogsAsync(batch, CancellationToken.None));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, refused.StatusCode);
        Assert.StartsWith("Startup logs limit exceeded", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnyCall_UnknownToken_ThrowsWithStatus401AndServerMessage()
    {
        await using var harness = await ControlPlaneHarness.StartAsync();

        var refused = await Assert.ThrowsAsync<ControlPlaneException>(
            () => harness.Agent(Guid.NewGuid()).GetManifestAsync(CancellationToken.None));

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("Workspace agent not authorized.", refused.Message);
    }

    [Fact]
    public async Task Calls_WithTraceLogging_NeverLogTheToken()
    {
        await using var harness = await ControlPlaneHarness.StartAsync();
        var client = harness.Agent();
        await client.GetManifestAsync(CancellationToken.None);
        await Assert.ThrowsAsync<ControlPlaneException>(() => client.PostStartupAsync(new StartupRequest("bogus", "", ""), CancellationToken.None));

        Assert.NotEmpty(harness.Logs.Messages);
        Assert.DoesNotContain(harness.Logs.Messages, message => message.Contains(ControlPlaneHarness.MainToken.ToString(), StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task GetManifest_MalformedJsonAnswer_ThrowsControlPlaneException()
    {
        var client = ClientFor(StubHttpHandler.Answering(HttpStatusCode.OK, "{\"apps\": [oops"));

        var failed = await Assert.ThrowsAsync<ControlPlaneException>(() => client.GetManifestAsync(CancellationToken.None));

        Assert.Null(failed.StatusCode);
        Assert.IsType<JsonException>(failed.InnerException);
        Assert.Contains("not valid JSON", failed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetManifest_GoNullsAndMissingFields_BecomeEmptyValues()
    {
        var client = ClientFor(StubHttpHandler.Answering(
            HttpStatusCode.OK,
            """{"apps":[{"id":"4a3e0f5e-0000-4000-8000-000000000001","healthcheck":null}],"metadata":null,"environment_variables":null}"""));

        var manifest = await client.GetManifestAsync(CancellationToken.None);

        Assert.Equal(string.Empty, manifest.StartupScript);
        Assert.Empty(manifest.Metadata);
        Assert.Empty(manifest.EnvironmentVariables);
        var app = Assert.Single(manifest.Apps);
        Assert.Equal((string.Empty, "owner", string.Empty), (app.Slug, app.SharingLevel, app.Healthcheck.Url));
    }

    [Fact]
    public async Task PostStats_JsonNullAnswer_ThrowsControlPlaneException()
    {
        var client = ClientFor(StubHttpHandler.Answering(HttpStatusCode.OK, "null"));

        var failed = await Assert.ThrowsAsync<ControlPlaneException>(() => client.PostStatsAsync(new Stats(), CancellationToken.None));

        Assert.Contains("JSON null", failed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnyCall_NonJsonErrorPage_KeepsStatusAndExcerpt()
    {
        var client = ClientFor(StubHttpHandler.Answering(HttpStatusCode.BadGateway, "<html>proxy down</html>", "text/html"));

        var refused = await Assert.ThrowsAsync<ControlPlaneException>(
            () => client.PostLifecycleAsync(new LifecycleReport(LifecycleState.Ready, At), CancellationToken.None));

        Assert.Equal(HttpStatusCode.BadGateway, refused.StatusCode);
        Assert.Contains("502", refused.Message, StringComparison.Ordinal);
        Assert.Contains("proxy down", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostMetadata_KeyWithReservedCharacters_IsEscapedAndTokenInHeader()
    {
        var handler = new StubHttpHandler((_, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.NoContent)));
        var client = ClientFor(handler);

        await client.PostMetadataAsync("disk /home", new MetadataResult(At, 0, "1", ""), CancellationToken.None);

        var request = Assert.Single(handler.Requests);
        Assert.Equal("/api/v2/workspaceagents/me/metadata/disk%20%2Fhome", request.RequestUri!.AbsolutePath);
        Assert.Equal("agent-token", Assert.Single(request.Headers.GetValues(SessionTokenHeader.Name)));
    }

    [Fact]
    public async Task AnyCall_NoAnswerWithinTimeout_ThrowsControlPlaneException()
    {
        var handler = new StubHttpHandler(async (_, cancellationToken) =>
        {
            var never = new TaskCompletionSource<HttpResponseMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
            await using var registration = cancellationToken.Register(() => never.TrySetCanceled(cancellationToken));
            return await never.Task;
        });
        var client = ClientFor(handler, TimeSpan.FromMilliseconds(200));

        var failed = await Assert.ThrowsAsync<ControlPlaneException>(() => client.GetManifestAsync(CancellationToken.None));

        Assert.Contains("no complete answer", failed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnyCall_CallerCancels_ThrowsOperationCanceled()
    {
        var handler = new StubHttpHandler((_, cancellationToken) => Task.FromCanceled<HttpResponseMessage>(cancellationToken));
        var client = ClientFor(handler);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetManifestAsync(cancelled.Token));
    }

    private static HttpControlPlaneClient ClientFor(StubHttpHandler handler, TimeSpan? timeout = null)
        => new(
            new HttpClient(handler) { BaseAddress = new Uri("http://control-plane.test"), Timeout = timeout ?? TimeSpan.FromSeconds(30) },
            "agent-token",
            NullLogger<HttpControlPlaneClient>.Instance);
}
