using System.Text.Json;
using Agent.Runtime.ControlPlane;
using Agent.Runtime.ControlPlane.Persistence;
using Agent.Specs.Runtime.ControlPlane.Persistence;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agent.Specs.Runtime.ControlPlane;

/// <summary>
/// The control plane's caps on session recordings (<see cref="RecordingCaps"/>), on a real SQLite database and driven by
/// real <c>curl</c> with the agent's token: 413 past a recording's bytes, the oldest dropped past the count per agent,
/// 400 for a kind or size the agent may not send.
/// </summary>
public sealed class RecordingCapsEndpointsSpecs : IAsyncLifetime
{
    private const string Me = "api/v2/workspaceagents/me/recordings";
    private const string List = "api/v2/workspaceagents/main/recordings";
    private static readonly RecordingCaps Caps = new() { PerAgent = 2, MaxBytes = 64, MaxChunkBytes = 1024 };
    private readonly SqliteUnderTest _sqlite = new();
    private ControlPlaneHarness _harness = null!;

    public async Task InitializeAsync()
    {
        var database = await ControlPlaneDatabases.OpenAsync(_sqlite.Url, NullLoggerFactory.Instance, CancellationToken.None);
        _harness = await ControlPlaneHarness.StartAsync(new ControlPlaneOptions { Recordings = Caps }, database: database);
    }

    public async Task DisposeAsync()
    {
        await _harness.DisposeAsync();
        await _sqlite.DisposeAsync();
    }

    [Fact]
    public async Task Chunk_PastTheRecordingsBytes_413AndNothingOfItKept()
    {
        var id = await StartAsync();

        var first = await ChunkAsync(id, new string('a', 40));
        var second = await ChunkAsync(id, new string('b', 40));

        Assert.Equal((204, 413), (first.Status, second.Status));
        Assert.Contains("64 bytes", second.Message(), StringComparison.Ordinal);
        var cast = await _harness.CurlAsync($"{List}/{id}", "-H", $"Coder-Session-Token: {ControlPlaneHarness.UserToken}");
        Assert.Equal(new string('a', 40), cast.Body);
    }

    [Fact]
    public async Task Start_PastTheCountPerAgent_DropsTheOldest()
    {
        var oldest = await StartAsync();
        var middle = await StartAsync();
        var newest = await StartAsync();

        var listed = await _harness.CurlAsync(List, "-H", $"Coder-Session-Token: {ControlPlaneHarness.UserToken}");
        using var document = JsonDocument.Parse(listed.Body);
        Assert.Equal([newest, middle], document.RootElement.EnumerateArray().Select(recording => recording.GetProperty("id").GetString()));
        Assert.Equal(404, (await ChunkAsync(oldest, "late")).Status);
    }

    [Theory]
    [InlineData("\"kind\":\"vnc\",\"width\":80,\"height\":24")]
    [InlineData("\"kind\":\"ssh\",\"width\":0,\"height\":24")]
    [InlineData("\"kind\":\"ssh\",\"width\":80,\"height\":10001")]
    public async Task Start_BadKindOrSize_400AndNothingKept(string fields)
    {
        var answer = await _harness.CurlAsAgentAsync("POST", Me, $"{{{fields},\"who\":\"spec\",\"started_at\":\"2026-12-05T12:00:00Z\"}}");

        Assert.Equal(400, answer.Status);
        var listed = await _harness.CurlAsync(List, "-H", $"Coder-Session-Token: {ControlPlaneHarness.UserToken}");
        Assert.Equal("[]", listed.Body.Trim());
    }

    private async Task<string> StartAsync()
    {
        var answer = await _harness.CurlAsAgentAsync("POST", Me, "{\"kind\":\"ssh\",\"who\":\"spec\",\"started_at\":\"2026-12-05T12:00:00Z\",\"width\":80,\"height\":24}");
        Assert.True(answer.Status == 201, $"{answer.Status}: {answer.Body}");
        using var document = JsonDocument.Parse(answer.Body);
        return document.RootElement.GetProperty("id").GetString()!;
    }

    private Task<CurlResult> ChunkAsync(string id, string data)
        => _harness.CurlAsAgentAsync("POST", $"{Me}/{id}/chunks", JsonSerializer.Serialize(new Dictionary<string, string> { ["data"] = data }));
}
