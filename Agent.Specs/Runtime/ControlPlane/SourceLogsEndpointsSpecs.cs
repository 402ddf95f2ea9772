using System.Text.Json;
using Agent.Reactive.Protocol;
using Agent.Runtime.ControlPlane;
using Agent.Specs.Fakes.ControlPlane;

namespace Agent.Specs.Runtime.ControlPlane;

/// <summary>
/// <c>PATCH me/logs</c> (a log source's lines, real <c>curl</c> as the agent) against the manifest's <c>log_sources</c>:
/// a known id is kept and served under <c>logs?source=ID</c>; an id the manifest does not name is refused and nothing is kept.
/// </summary>
public sealed class SourceLogsEndpointsSpecs : IAsyncLifetime
{
    private const string Me = "api/v2/workspaceagents/me/";
    private const string Main = "api/v2/workspaceagents/main/";
    private static readonly Guid Alpha = Guid.Parse("a1000000-0000-4000-8000-000000000001");
    private static readonly Guid Unknown = Guid.Parse("c3000000-0000-4000-8000-000000000003");
    private readonly FakeControlPlaneDatabase _database = new();
    private ControlPlaneHarness _harness = null!;

    public async Task InitializeAsync()
    {
        var workspace = ControlPlaneHarness.Workspace();
        var main = workspace.Agents[0];
        workspace = workspace with
        {
            Agents =
            [
                main with { Manifest = main.Manifest with { LogSources = [new WorkspaceAgentLogSource { Id = Alpha, DisplayName = "Alpha" }] } },
                .. workspace.Agents.Skip(1),
            ],
        };
        _harness = await ControlPlaneHarness.StartAsync(workspace: workspace, database: _database);
    }

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task PatchLogs_KnownLogSourceId_KeptUnderTheIdAndServedBySource()
    {
        var answer = await _harness.CurlAsAgentAsync("PATCH", Me + "logs", Body(Alpha, "from alpha"));

        Assert.Equal(200, answer.Status);
        Assert.Equal(["from alpha"], _database.State("main").SourceLogs[Alpha.ToString("D")].Select(log => log.Output));
        var served = await UserCurlAsync(Main + $"logs?source={Alpha:D}");
        Assert.Equal(["from alpha"], JsonDocument.Parse(served.Body).RootElement.EnumerateArray().Select(line => line.GetProperty("output").GetString()));
    }

    [Fact]
    public async Task PatchLogs_UnknownLogSourceId_400AndNothingKept()
    {
        var answer = await _harness.CurlAsAgentAsync("PATCH", Me + "logs", Body(Unknown, "from nowhere"));

        Assert.Equal(400, answer.Status);
        Assert.Equal("Invalid log source provided.", answer.Message());
        Assert.DoesNotContain(nameof(FakeControlPlaneDatabase.AppendLogsAsync) + " main", _database.Writes);
        Assert.Empty(_database.State("main").SourceLogs);
        var sources = JsonDocument.Parse((await UserCurlAsync(Main + "log-sources")).Body).RootElement.EnumerateArray()
            .Select(source => (source.GetProperty("id").GetGuid(), source.GetProperty("count").GetInt32())).ToList();
        Assert.DoesNotContain(sources, source => source.Item1 == Unknown);
        Assert.All(sources, source => Assert.Equal(0, source.Item2));
        Assert.Equal(400, (await UserCurlAsync(Main + $"logs?source={Unknown:D}")).Status);
    }

    private static string Body(Guid source, string output)
        => $$"""{"log_source_id":"{{source:D}}","logs":[{"created_at":"2023-06-06T12:00:00Z","output":"{{output}}","level":"info"}]}""";

    private Task<CurlResult> UserCurlAsync(string path)
        => _harness.CurlAsync(path, "-H", $"Coder-Session-Token: {ControlPlaneHarness.UserToken}");
}
