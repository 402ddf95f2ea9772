using System.Text.Json;
using Agent.Runtime.ControlPlane;

namespace Agent.Specs.Runtime.ControlPlane;

/// <summary>
/// The refusals of the agent's <c>POST /api/v2/workspaceagents/me/connections</c>, driven by real <c>curl</c>: a body over
/// 1 MiB is 413, a malformed batch 400, and nothing of a refused batch is kept.
/// </summary>
public sealed class ConnectionsEndpointsSpecs : IAsyncLifetime
{
    private const string Path = "api/v2/workspaceagents/me/connections";
    private readonly string _directory = Directory.CreateTempSubdirectory("connections-specs-").FullName;
    private ControlPlaneHarness _harness = null!;

    public async Task InitializeAsync() => _harness = await ControlPlaneHarness.StartAsync(new ControlPlaneOptions());

    public async Task DisposeAsync()
    {
        await _harness.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Post_ValidBatch_200AndServed()
    {
        var answer = await PostAsync(Batch(Report(what: "shell")));

        Assert.Equal(200, answer.Status);
        Assert.Equal("shell", Assert.Single(await ConnectionsAsync()).GetProperty("what").GetString());
    }

    [Fact]
    public async Task Post_BodyOverOneMebibyte_413AndNothingKept()
    {
        // Valid reports, 200 of 6000 characters each: only the size is wrong.
        var reports = Enumerable.Range(0, 200).Select(_ => Report(what: new string('x', 6000))).ToArray();

        var answer = await PostAsync(Batch(reports));

        Assert.Equal(413, answer.Status);
        Assert.Empty(await ConnectionsAsync());
    }

    [Fact]
    public async Task Post_MalformedJson_400AndNothingKept()
    {
        var answer = await PostAsync("""{"connections":[{"id":""");

        Assert.Equal(400, answer.Status);
        Assert.Empty(await ConnectionsAsync());
    }

    [Fact]
    public async Task Post_UnknownType_400WithTheAllowedTypes()
    {
        var answer = await PostAsync(Batch(Report(type: "telepathy")));

        Assert.Equal(400, answer.Status);
        Assert.Contains("type must be one of", answer.Body, StringComparison.Ordinal);
        Assert.Empty(await ConnectionsAsync());
    }

    [Fact]
    public async Task Post_MoreThan512FileOperations_400AndNothingKept()
    {
        var operations = string.Join(',', Enumerable.Range(0, 513).Select(i => $$"""{"operation":"mkdir","path":"/tmp/d{{i}}","bytes_read":0,"bytes_written":0}"""));

        var answer = await PostAsync(Batch(Report(action: "disconnect", fileOperations: $"[{operations}]")));

        Assert.Equal(400, answer.Status);
        Assert.Contains("at most 512 file operations", answer.Body, StringComparison.Ordinal);
        Assert.Empty(await ConnectionsAsync());
    }

    [Fact]
    public async Task Post_OneBadReportInABatch_400AndTheGoodOnesNotKept()
    {
        var answer = await PostAsync(Batch(Report(what: "good"), Report(action: "wander")));

        Assert.Equal(400, answer.Status);
        Assert.Empty(await ConnectionsAsync());
    }

    private static string Batch(params string[] reports) => $$"""{"connections":[{{string.Join(',', reports)}}],"dropped":0}""";

    private static string Report(string action = "connect", string type = "ssh", string what = "shell", string fileOperations = "null")
        => $$"""{"id":"{{Guid.NewGuid()}}","action":"{{action}}","type":"{{type}}","timestamp":"2026-12-05T12:00:00Z","ip":"127.0.0.1:1","user":"u","who":"token","what":"{{what}}","status_code":0,"file_operations":{{fileOperations}}}""";

    // The body goes through a file: a mebibyte does not fit in one command-line argument.
    private async Task<CurlResult> PostAsync(string json)
    {
        var body = System.IO.Path.Join(_directory, $"{Guid.NewGuid():n}.json");
        await File.WriteAllTextAsync(body, json);
        return await _harness.CurlAsync(
            Path, "-X", "POST", "-H", $"Coder-Session-Token: {ControlPlaneHarness.MainToken}", "-H", "Content-Type: application/json", "--data-binary", "@" + body);
    }

    private async Task<JsonElement[]> ConnectionsAsync()
    {
        var answer = await _harness.CurlAsync("api/v2/workspaceagents/main/connections", "-H", $"Coder-Session-Token: {ControlPlaneHarness.UserToken}");
        Assert.Equal(200, answer.Status);
        using var document = JsonDocument.Parse(answer.Body);
        return [.. document.RootElement.EnumerateArray().Select(element => element.Clone())];
    }
}
