using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Agent.Reactive.Protocol;
using Agent.Runtime.ControlPlane;
using Agent.Runtime.ControlPlane.Persistence;
using Agent.Runtime.ControlPlaneClient;
using Agent.Specs.Runtime.ControlPlane.Persistence;
using Agent.Specs.Utilities;
using Microsoft.Extensions.Logging;

namespace Agent.Specs.Runtime.ControlPlane.Replicas;

/// <summary>
/// Two replicas (in-process <see cref="PersistentControlPlane"/>s) on one private PostgreSQL database, flushing only
/// every 10 s: what an agent reports to A shows on B's <c>/events</c> and GET endpoints within a second.
/// </summary>
public sealed class ReplicaFanOutPostgresSpecs(PostgresServer server) : IClassFixture<PostgresServer>, IAsyncLifetime
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);
    private static readonly DateTimeOffset At = new(2023, 6, 6, 12, 0, 0, TimeSpan.Zero);
    private readonly List<IAsyncDisposable> _owned = [];
    private readonly List<HttpClient> _clients = [];
    private Replica _a = null!;
    private Replica _b = null!;

    public async Task InitializeAsync()
    {
        var database = await PostgresUnderTest.CreateAsync(server);
        _a = await StartAsync(database.Url);
        _b = await StartAsync(database.Url);
        await Eventually.WaitAsync(() => _a.Logs.Entries.Any(entry => entry.EventId.Id == 6593) && _b.Logs.Entries.Any(entry => entry.EventId.Id == 6593), "both replicas listen");
    }

    public async Task DisposeAsync()
    {
        foreach (var client in _clients)
            client.Dispose();
        foreach (var owned in Enumerable.Reverse(_owned))
            await owned.DisposeAsync();
    }

    [Fact]
    public async Task ReportsToA_FlushEvery10s_ShowOnBsEventsAndGetEndpointsWithinASecond()
    {
        using var deadline = new CancellationTokenSource(ControlPlaneHarness.Deadline);
        using var user = User(_b);
        using var response = await user.GetAsync("api/v2/workspaceagents/main/events", HttpCompletionOption.ResponseHeadersRead, deadline.Token);
        using var events = new StreamReader(await response.Content.ReadAsStreamAsync(deadline.Token));
        var agent = Agent(_a);
        var lines = Enumerable.Range(0, 100).Select(i => new StartupLog(At.AddMilliseconds(i), $"line {i:D3} " + new string('x', 100), "info")).ToList();
        var value = string.Concat(Enumerable.Repeat("0123456789abcdef", 30 * 1024 / 16));

        await agent.PostLifecycleAsync(new LifecycleReport(LifecycleState.Ready, At), deadline.Token);
        var lifecycle = await NextAsync(events, "lifecycle", deadline.Token);
        await agent.PatchStartupLogsAsync(new StartupLogsRequest(lines), deadline.Token);
        var lastLine = await NextAsync(events, "log", deadline.Token, data => data.GetProperty("output").GetString() == lines[^1].Output);
        await agent.PostMetadataAsync("cpu", new MetadataResult(At, 0, value, string.Empty), deadline.Token);
        var metadata = await NextAsync(events, "metadata", deadline.Token);
        await agent.PostStatsAsync(new Stats { ConnectionsByProto = new Dictionary<string, long> { ["ssh"] = 2 }, ConnectionCount = 2, RxBytes = 4242 }, deadline.Token);
        var stats = await NextAsync(events, "stats", deadline.Token);

        Assert.Equal("ready", lifecycle.GetProperty("state").GetString());
        Assert.Equal(lines[^1].Output, lastLine.GetProperty("output").GetString());
        Assert.Equal(value, metadata.GetProperty("result").GetProperty("value").GetString());
        Assert.Equal(4242, stats.GetProperty("stats").GetProperty("rx_bytes").GetInt64());
        Assert.Equal([LifecycleState.Ready], (await user.GetFromJsonAsync<List<LifecycleReport>>("api/v2/workspaceagents/main/lifecycle", deadline.Token))!.Select(report => report.State));
        Assert.Equal(lines.Select(line => line.Output), (await user.GetFromJsonAsync<List<StartupLog>>("api/v2/workspaceagents/main/startup-logs", deadline.Token))!.Select(line => line.Output));
        var summary = await user.GetFromJsonAsync<JsonElement>("api/v2/workspaceagents/main", deadline.Token);
        Assert.Equal("connected", summary.GetProperty("status").GetString());
        Assert.Equal(4242, summary.GetProperty("last_stats").GetProperty("rx_bytes").GetInt64());
        var entries = await user.GetFromJsonAsync<JsonElement>("api/v2/workspaceagents/main/metadata", deadline.Token);
        Assert.Equal(value, entries.EnumerateArray().Single(entry => entry.GetProperty("key").GetString() == "cpu").GetProperty("result").GetProperty("value").GetString());
        Assert.Empty(_b.Server.Server.Store.FindByName("main")!.Logs(LogSources.Shutdown));
    }

    [Fact]
    public async Task ReportsToA_BReconnects_NothingIsDoubled()
    {
        var agent = Agent(_a);
        using var deadline = new CancellationTokenSource(ControlPlaneHarness.Deadline);
        await agent.PostLifecycleAsync(new LifecycleReport(LifecycleState.Starting, At), deadline.Token);
        await agent.PatchStartupLogsAsync(new StartupLogsRequest([new StartupLog(At, "one", "info")]), deadline.Token);
        var main = _b.Server.Server.Store.FindByName("main")!;
        await Eventually.WaitAsync(() => main.Logs(LogSources.Startup).Count == 1, "B has the line");

        await using (var connection = new Npgsql.NpgsqlConnection(server.ConnectionString(_a.Url.Database)))
        {
            await connection.OpenAsync(deadline.Token);
            await using var kill = new Npgsql.NpgsqlCommand("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'agent server replicas'", connection);
            await kill.ExecuteNonQueryAsync(deadline.Token);
        }

        await Eventually.WaitAsync(() => _b.Logs.Entries.Count(entry => entry.EventId.Id == 6598) >= 2, "B read the agents again after it listened again");
        Assert.Equal(["one"], main.Logs(LogSources.Startup).Select(line => line.Output));
        Assert.Equal([LifecycleState.Starting], main.Lifecycle().Select(report => report.State));
    }

    private static async Task<JsonElement> NextAsync(StreamReader reader, string name, CancellationToken cancellationToken, Func<JsonElement, bool>? match = null)
    {
        using var second = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        second.CancelAfter(Second);
        var clock = Stopwatch.StartNew();
        string? eventName = null;
        string? data = null;
        while (true)
        {
            var line = await reader.ReadLineAsync(second.Token) ?? throw new EndOfStreamException("the event stream ended");
            if (line.Length == 0)
            {
                if (eventName == name && data is not null && JsonDocument.Parse(data).RootElement is var element && (match is null || match(element)))
                {
                    Assert.True(clock.Elapsed < Second, $"{name} took {clock.Elapsed}");
                    return element;
                }

                (eventName, data) = (null, null);
            }
            else if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                eventName = line["event: ".Length..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data = line["data: ".Length..];
            }
        }
    }

    private async Task<Replica> StartAsync(DatabaseUrl url)
    {
        var logs = new CapturingLoggerProvider();
        var loggerFactory = LoggerFactory.Create(builder => builder.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        using var deadline = new CancellationTokenSource(ControlPlaneHarness.Deadline);
        var options = new ControlPlaneOptions { Address = "127.0.0.1:0", FlushInterval = TimeSpan.FromSeconds(10) };
        var database = await ControlPlaneDatabases.OpenAsync(url, loggerFactory, deadline.Token);
        var controlPlane = await PersistentControlPlane.CreateAsync(ControlPlaneHarness.Workspace(), options, database, loggerFactory, deadline.Token);
        _owned.Add(new LoggerFactoryDisposal(loggerFactory));
        _owned.Add(controlPlane);
        await controlPlane.StartAsync(null, deadline.Token);
        return new Replica(controlPlane, logs, url);
    }

    private HttpControlPlaneClient Agent(Replica replica)
        => new(Http(replica), ControlPlaneHarness.MainToken.ToString(), Microsoft.Extensions.Logging.Abstractions.NullLogger<HttpControlPlaneClient>.Instance);

    private HttpClient User(Replica replica)
    {
        var http = Http(replica);
        http.DefaultRequestHeaders.Add(SessionTokenHeader.Name, ControlPlaneHarness.UserToken);
        return http;
    }

    private HttpClient Http(Replica replica)
    {
        var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = replica.Server.Server.Address, Timeout = TimeSpan.FromSeconds(30) };
        _clients.Add(http);
        return http;
    }

    private sealed record Replica(PersistentControlPlane Server, CapturingLoggerProvider Logs, DatabaseUrl Url);

    private sealed class LoggerFactoryDisposal(ILoggerFactory factory) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            factory.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
