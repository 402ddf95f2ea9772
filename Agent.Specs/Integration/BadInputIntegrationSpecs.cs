using System.Text.Json.Nodes;
using Agent.Specs.Utilities;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Agent.Specs.Integration;

/// <summary>The real agent against a control plane that misbehaves: it logs a clear line and keeps going.</summary>
[Trait("Category", "Integration")]
public sealed class BadInputIntegrationSpecs
{
    [Fact]
    public async Task MalformedManifest_ThenServerErrors_ThenValid_AgentRecovers()
    {
        await using var harness = new IntegrationHarness();
        var manifestCalls = 0;
        var lifecycle = new List<string>();
        await using var fake = await StartFakeAsync(harness.Port, app =>
        {
            app.MapGet("/api/v2/workspaceagents/me/manifest", (HttpContext context) =>
            {
                var call = Interlocked.Increment(ref manifestCalls);
                return call switch
                {
                    1 => Results.Text("{\"startup_script\": ", "application/json"),
                    2 => Results.Text("[1,2,3]", "application/json"),
                    3 => Results.Json(new { message = "database is down" }, statusCode: 500),
                    _ => Results.Text(Manifests.With(startupScript: "true").ToJsonString() + "", "application/json"),
                };
            });
            app.MapPost("/api/v2/workspaceagents/me/startup", () => Results.Ok());
            app.MapPost("/api/v2/workspaceagents/me/report-lifecycle", async (HttpContext context) =>
            {
                var body = JsonNode.Parse(await new StreamReader(context.Request.Body).ReadToEndAsync())!;
                lock (lifecycle)
                    lifecycle.Add(body["state"]!.GetValue<string>());
                return Results.NoContent();
            });
            app.MapPost("/api/v2/workspaceagents/me/report-stats", () => Results.Text("{\"report_interval\": 30000000000, \"unknown_field\": true}", "application/json"));
            app.MapMethods("/api/v2/workspaceagents/me/startup-logs", ["PATCH"], () => Results.Ok());
        });
        var agent = harness.StartAgent();

        await Eventually.WaitAsync(() => { lock (lifecycle) return lifecycle.Contains("ready"); }, $"ready\n{agent.Output}");

        await agent.WaitForOutputAsync("manifest");
        await agent.WaitForOutputAsync("database is down");
        Assert.False(agent.HasExited);
        Assert.DoesNotContain(harness.AgentToken, agent.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnusableLogDirectory_ClearLineAndStillReady()
    {
        await using var harness = new IntegrationHarness();
        var notADirectory = harness.Combine("a-file");
        await File.WriteAllTextAsync(notADirectory, "not a directory");
        harness.WriteWorkspace(Manifests.With(startupScript: "echo fine"));
        await harness.StartServerAsync();
        var agent = harness.StartAgent("--log-dir", Path.Join(notADirectory, "logs"));

        await harness.WaitForLifecycleAsync("ready");

        Assert.Equal(["fine"], await harness.LogLinesAsync());
        await agent.WaitForOutputAsync("log");
        Assert.Contains("a-file", agent.Output, StringComparison.Ordinal);
    }

    private static async Task<WebApplication> StartFakeAsync(int port, Action<WebApplication> map)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        return app;
    }
}
