using Agent.Reactive.Protocol;
using Agent.Specs.Fakes.ControlPlane;
using Microsoft.Extensions.Logging;

namespace Agent.Specs.Runtime.ControlPlane;

/// <summary>The agent API when its database fails: a report is acknowledged only once stored, driven by real <c>curl</c>.</summary>
public sealed class AgentApiDatabaseSpecs : IAsyncLifetime
{
    private const string Me = "api/v2/workspaceagents/me/";
    private readonly FakeControlPlaneDatabase _database = new();
    private ControlPlaneHarness _harness = null!;

    public async Task InitializeAsync() => _harness = await ControlPlaneHarness.StartAsync(database: _database);

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Theory]
    [InlineData("POST", "report-lifecycle", """{"state":"ready","changed_at":"2023-06-06T12:00:00Z"}""")]
    [InlineData("PATCH", "startup-logs", """{"logs":[{"created_at":"2023-06-06T12:00:00Z","output":"hello","level":"info"}]}""")]
    [InlineData("POST", "startup", """{"version":"v1.2.3","expanded_directory":"/home/coder","subsystem":""}""")]
    public async Task DurableReport_DatabaseFails_503NothingTakenAndLoggedWithEventId6520(string method, string endpoint, string json)
    {
        _database.Failing = true;

        var answer = await _harness.CurlAsAgentAsync(method, Me + endpoint, json);

        Assert.Equal(503, answer.Status);
        Assert.Equal("The control plane could not store the report.", answer.Message());
        var main = _harness.Server.Store.FindByName("main")!;
        Assert.Empty(main.Lifecycle());
        Assert.Empty(main.Logs(LogSources.Startup));
        Assert.Equal(string.Empty, main.Summary().Version);
        var logged = Assert.Single(_harness.Logs.Entries, entry => entry.EventId.Id == 6520);
        Assert.Equal(LogLevel.Warning, logged.Level);
    }

    [Fact]
    public async Task Lifecycle_DatabaseBack_TheRetryIsStored()
    {
        const string Report = """{"state":"ready","changed_at":"2023-06-06T12:00:00Z"}""";
        _database.Failing = true;
        var refused = await _harness.CurlAsAgentAsync("POST", Me + "report-lifecycle", Report);
        _database.Failing = false;

        var retried = await _harness.CurlAsAgentAsync("POST", Me + "report-lifecycle", Report);

        Assert.Equal((503, 204), (refused.Status, retried.Status));
        Assert.Equal([LifecycleState.Ready], _database.State("main").Lifecycle.Select(report => report.State));
    }
}
