using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Agent.Reactive.Protocol;
using Agent.Runtime.ControlPlane;
using Agent.Runtime.ControlPlane.Persistence;
using Agent.Specs.Fakes.SshTransport;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agent.Specs.Runtime.ControlPlane.Persistence;

/// <summary>
/// What every <see cref="IControlPlaneDatabase"/> does, run against SQLite (<see cref="SqliteControlPlaneDatabaseSpecs"/>)
/// and PostgreSQL (<see cref="PostgresControlPlaneDatabaseSpecs"/>): each method round-trips exactly, through a reopen.
/// </summary>
public abstract class ControlPlaneDatabaseContract
{
    private const string AgentToken = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b";
    private const string OtherAgentToken = "0a9b8c7d-6e5f-4a3b-9c1d-2e3f4a5b6c7d";
    private const string UserToken = "user-token-that-must-never-be-stored-4c2f";

    private static readonly DateTimeOffset Base = new(2026, 12, 5, 3, 4, 5, TimeSpan.FromHours(5.5));

    /// <summary>A fresh, empty database for one spec.</summary>
    protected abstract Task<IDatabaseUnderTest> CreateDatabaseAsync();

    [Fact]
    public async Task LoadAgent_NothingStored_IsEmpty()
    {
        await using var under = await CreateDatabaseAsync();
        await using var database = await OpenAsync(under);

        var state = await database.LoadAgentAsync("main", CancellationToken.None);

        Assert.Null(state.Startup);
        Assert.Empty(state.Lifecycle);
        Assert.Empty(state.StartupLogs);
        Assert.Empty(state.ShutdownLogs);
        Assert.False(state.LogsOverflowed);
        Assert.Empty(state.Metadata);
        Assert.Empty(state.AppHealth);
        Assert.Null(state.LastStats);
        Assert.Null(state.LastSeenAt);
    }

    [Fact]
    public async Task SaveStartup_ReplacedThenReopened_LoadsTheLastExactly()
    {
        await using var under = await CreateDatabaseAsync();
        await using (var database = await OpenAsync(under))
        {
            await database.SaveStartupAsync("main", new StartupRequest("v1", "/home/old", "", null), CancellationToken.None);
            await database.SaveStartupAsync("main", new StartupRequest("v0.1.0", "/home/coder ü", "envbox", ["ssh-ed25519 AAAAC3Nza key1", "ecdsa-sha2-nistp256 AAAAE2V key2"]), CancellationToken.None);
            await database.SaveStartupAsync("other", new StartupRequest("v2", "/srv", "", []), CancellationToken.None);
        }

        await using var reopened = await OpenAsync(under);
        var main = (await reopened.LoadAgentAsync("main", CancellationToken.None)).Startup;
        var other = (await reopened.LoadAgentAsync("other", CancellationToken.None)).Startup;

        Assert.NotNull(main);
        Assert.Equal(("v0.1.0", "/home/coder ü", "envbox"), (main.Version, main.ExpandedDirectory, main.Subsystem));
        Assert.Equal(["ssh-ed25519 AAAAC3Nza key1", "ecdsa-sha2-nistp256 AAAAE2V key2"], main.SshHostKeys!);
        Assert.NotNull(other);
        Assert.Equal([], other.SshHostKeys!);
        await reopened.SaveStartupAsync("other", new StartupRequest("v3", "/srv", "", null), CancellationToken.None);
        Assert.Null((await reopened.LoadAgentAsync("other", CancellationToken.None)).Startup!.SshHostKeys);
    }

    [Fact]
    public async Task AppendLifecycle_TimestampsWithOffsetsAndTicks_LoadInOrderExactly()
    {
        await using var under = await CreateDatabaseAsync();
        LifecycleReport[] reports =
        [
            new(LifecycleState.Created, Base.AddTicks(1)),
            new(LifecycleState.Starting, new DateTimeOffset(2026, 12, 5, 0, 0, 0, TimeSpan.Zero).AddTicks(1234567)),
            new(LifecycleState.StartTimeout, Base.ToOffset(TimeSpan.FromHours(-7)).AddTicks(9)),
            new(LifecycleState.Ready, DateTimeOffset.MinValue),
            new(LifecycleState.ShuttingDown, DateTimeOffset.MaxValue),
        ];
        await using (var database = await OpenAsync(under))
        {
            foreach (var report in reports)
                await database.AppendLifecycleAsync("main", report, CancellationToken.None);
        }

        await using var reopened = await OpenAsync(under);
        var loaded = (await reopened.LoadAgentAsync("main", CancellationToken.None)).Lifecycle;

        Assert.Equal(reports, loaded);
        Assert.Equal(reports.Select(r => r.ChangedAt.Offset), loaded.Select(r => r.ChangedAt.Offset));
        Assert.Empty((await reopened.LoadAgentAsync("other", CancellationToken.None)).Lifecycle);
    }

    [Fact]
    public async Task AppendLifecycle_MoreThanTheCap_KeepsOnlyTheNewest()
    {
        await using var under = await CreateDatabaseAsync();
        await using var database = await OpenAsync(under);
        var total = ControlPlaneAgent.MaxLifecycleReports + 5;
        for (var i = 0; i < total; i++)
            await database.AppendLifecycleAsync("main", new LifecycleReport((LifecycleState)(i % 9), Base.AddSeconds(i)), CancellationToken.None);
        await database.AppendLifecycleAsync("other", new LifecycleReport(LifecycleState.Off, Base), CancellationToken.None);

        var loaded = (await database.LoadAgentAsync("main", CancellationToken.None)).Lifecycle;

        Assert.Equal(ControlPlaneAgent.MaxLifecycleReports, loaded.Count);
        Assert.Equal(Enumerable.Range(5, ControlPlaneAgent.MaxLifecycleReports).Select(i => Base.AddSeconds(i)), loaded.Select(r => r.ChangedAt));
        Assert.Equal(
            ControlPlaneAgent.MaxLifecycleReports.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Assert.Single(await SchemaDump.RowsAsync(under, "SELECT COUNT(*) FROM agent_lifecycle WHERE agent = 'main'")));
        Assert.Single((await database.LoadAgentAsync("other", CancellationToken.None)).Lifecycle);
    }

    [Fact]
    public async Task AppendLogs_BatchesOfBothSources_LoadInOrderPerSourceExactly()
    {
        await using var under = await CreateDatabaseAsync();
        var startup = Enumerable.Range(0, 7).Select(i => new StartupLog(Base.AddTicks(i), $"start {i} ✓ 'quoted' \"x\"", i % 2 == 0 ? "info" : "error")).ToList();
        var shutdown = Enumerable.Range(0, 3).Select(i => new StartupLog(Base.AddDays(1).AddTicks(-i), $"stop {i}", "")).ToList();
        await using (var database = await OpenAsync(under))
        {
            await database.AppendLogsAsync("main", LogSources.Startup, startup[..4], CancellationToken.None);
            await database.AppendLogsAsync("main", LogSources.Shutdown, shutdown[..1], CancellationToken.None);
            await database.AppendLogsAsync("main", LogSources.Startup, startup[4..], CancellationToken.None);
            await database.AppendLogsAsync("main", LogSources.Shutdown, shutdown[1..], CancellationToken.None);
            await database.AppendLogsAsync("other", LogSources.Startup, [new StartupLog(Base, "other's", "")], CancellationToken.None);
            await database.AppendLogsAsync("main", LogSources.Startup, [], CancellationToken.None);
        }

        await using var reopened = await OpenAsync(under);
        var state = await reopened.LoadAgentAsync("main", CancellationToken.None);

        Assert.Equal(startup, state.StartupLogs);
        Assert.Equal(shutdown, state.ShutdownLogs);
        Assert.False(state.LogsOverflowed);
        await Assert.ThrowsAsync<ArgumentException>(() => reopened.AppendLogsAsync("main", "elsewhere", startup, CancellationToken.None));
    }

    [Fact]
    public async Task MarkLogsOverflowed_ThenReopened_IsRemembered()
    {
        await using var under = await CreateDatabaseAsync();
        await using (var database = await OpenAsync(under))
        {
            await database.SaveLastSeenAsync("main", Base, CancellationToken.None);
            await database.MarkLogsOverflowedAsync("main", CancellationToken.None);
            await database.MarkLogsOverflowedAsync("main", CancellationToken.None);
        }

        await using var reopened = await OpenAsync(under);

        Assert.True((await reopened.LoadAgentAsync("main", CancellationToken.None)).LogsOverflowed);
        Assert.Equal(Base, (await reopened.LoadAgentAsync("main", CancellationToken.None)).LastSeenAt);
        Assert.False((await reopened.LoadAgentAsync("other", CancellationToken.None)).LogsOverflowed);
    }

    [Fact]
    public async Task SaveMetadata_KeySavedTwice_KeepsTheNewestOfEachKey()
    {
        await using var under = await CreateDatabaseAsync();
        var cpu = new MetadataResult(Base.AddTicks(3), 12, "", "timed out");
        var load = new MetadataResult(Base.AddMinutes(1), 0, "0.42 ü", "");
        await using (var database = await OpenAsync(under))
        {
            await database.SaveMetadataAsync("main", new Dictionary<string, MetadataResult> { ["cpu"] = new(Base, 1, "10%", ""), ["load"] = load }, CancellationToken.None);
            await database.SaveMetadataAsync("main", new Dictionary<string, MetadataResult> { ["cpu"] = cpu }, CancellationToken.None);
            await database.SaveMetadataAsync("other", new Dictionary<string, MetadataResult> { ["cpu"] = load }, CancellationToken.None);
        }

        await using var reopened = await OpenAsync(under);
        var metadata = (await reopened.LoadAgentAsync("main", CancellationToken.None)).Metadata;

        Assert.Equal(2, metadata.Count);
        Assert.Equal(cpu, metadata["cpu"]);
        Assert.Equal(load, metadata["load"]);
    }

    [Fact]
    public async Task SaveAppHealth_AppSavedTwice_KeepsTheLastOfEachApp()
    {
        await using var under = await CreateDatabaseAsync();
        var web = Guid.Parse("11111111-2222-4333-8444-555555555555");
        var ide = Guid.Parse("aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee");
        await using (var database = await OpenAsync(under))
        {
            await database.SaveAppHealthAsync("main", new Dictionary<Guid, AppHealth> { [web] = AppHealth.Initializing, [ide] = AppHealth.Disabled }, CancellationToken.None);
            await database.SaveAppHealthAsync("main", new Dictionary<Guid, AppHealth> { [web] = AppHealth.Unhealthy }, CancellationToken.None);
        }

        await using var reopened = await OpenAsync(under);
        var health = (await reopened.LoadAgentAsync("main", CancellationToken.None)).AppHealth;

        Assert.Equal(new Dictionary<Guid, AppHealth> { [web] = AppHealth.Unhealthy, [ide] = AppHealth.Disabled }, health);
    }

    [Fact]
    public async Task SaveStatsAndLastSeen_SavedTwice_LoadTheLastExactly()
    {
        await using var under = await CreateDatabaseAsync();
        var stats = new Stats
        {
            ConnectionsByProto = new Dictionary<string, long> { ["ssh"] = 2, ["tcp"] = 5 },
            ConnectionCount = 7,
            ConnectionMedianLatencyMs = 1.25,
            RxBytes = long.MaxValue,
            TxPackets = 3,
            SessionCountSsh = 1,
            Metrics = [new AgentMetric("agent_up", "gauge", 1.5, [new AgentMetricLabel("host", "a")])],
        };
        var seen = Base.AddTicks(7654321).ToOffset(TimeSpan.FromMinutes(-150));
        await using (var database = await OpenAsync(under))
        {
            await database.SaveStatsAsync("main", new Stats { ConnectionCount = 1 }, CancellationToken.None);
            await database.SaveLastSeenAsync("main", Base, CancellationToken.None);
            await database.SaveStatsAsync("main", stats, CancellationToken.None);
            await database.SaveLastSeenAsync("main", seen, CancellationToken.None);
        }

        await using var reopened = await OpenAsync(under);
        var state = await reopened.LoadAgentAsync("main", CancellationToken.None);

        Assert.Equal(Json(stats), Json(state.LastStats!));
        Assert.Equal(seen, state.LastSeenAt);
        Assert.Equal(seen.Offset, state.LastSeenAt!.Value.Offset);
    }

    [Fact]
    public async Task SyncWorkspace_AgentRemovedThenReturned_IsMarkedDeletedWhenRemovedThenUndeleted()
    {
        await using var under = await CreateDatabaseAsync();
        var time = new ManualTimeProvider();
        var first = StoredText.Timestamp(time.GetUtcNow());
        await using var database = await ControlPlaneDatabases.OpenAsync(under.Url, NullLoggerFactory.Instance, time, CancellationToken.None);
        const string Agents = "SELECT name, deleted, created_at, deleted_at FROM agents ORDER BY name";

        await database.SyncWorkspaceAsync(Workspace(("main", AgentToken), ("other", OtherAgentToken)), CancellationToken.None);
        await database.AppendLifecycleAsync("other", new LifecycleReport(LifecycleState.Ready, Base), CancellationToken.None);
        var listed = await SchemaDump.RowsAsync(under, Agents);
        time.Advance(TimeSpan.FromHours(1));
        var second = StoredText.Timestamp(time.GetUtcNow());
        await database.SyncWorkspaceAsync(Workspace(("main", AgentToken)), CancellationToken.None);
        var removed = await SchemaDump.RowsAsync(under, Agents);
        time.Advance(TimeSpan.FromHours(1));
        await database.SyncWorkspaceAsync(Workspace(("main", AgentToken), ("other", OtherAgentToken)), CancellationToken.None);
        var returned = await SchemaDump.RowsAsync(under, Agents);

        Assert.Equal([$"main|0|{first}|", $"other|0|{first}|"], listed);
        Assert.Equal([$"main|0|{first}|", $"other|1|{first}|{second}"], removed);
        Assert.Equal([$"main|0|{first}|", $"other|0|{first}|"], returned);
        Assert.Single((await database.LoadAgentAsync("other", CancellationToken.None)).Lifecycle);
    }

    [Fact]
    public async Task SyncWorkspace_Tokens_AreStoredAsSha256DigestsAndNeverInClearText()
    {
        await using var under = await CreateDatabaseAsync();
        await using (var database = await OpenAsync(under))
        {
            await database.SyncWorkspaceAsync(Workspace(("main", AgentToken.Replace("-", string.Empty, StringComparison.Ordinal).ToUpperInvariant())), CancellationToken.None);
            await database.SaveStartupAsync("main", new StartupRequest("v1", "/home", "", null), CancellationToken.None);
        }

        var stored = await under.StoredTextAsync();
        var agentDigests = await SchemaDump.RowsAsync(under, "SELECT token_digest FROM agents");
        var userDigests = await SchemaDump.RowsAsync(under, "SELECT token_digest FROM user_tokens");

        Assert.Equal([Sha256Hex(AgentToken)], agentDigests);
        Assert.Equal([Sha256Hex(UserToken)], userDigests);
        Assert.Contains("/home", stored, StringComparison.Ordinal);
        foreach (var secret in (string[])[AgentToken, AgentToken.Replace("-", string.Empty, StringComparison.Ordinal), UserToken])
            Assert.DoesNotContain(secret, stored, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Writes_ManyAgentsAtOnce_AllLandEachInOrder()
    {
        await using var under = await CreateDatabaseAsync();
        await using var database = await OpenAsync(under);
        var agents = Enumerable.Range(0, 16).Select(i => $"agent-{i}").ToList();

        await Task.WhenAll(agents.Select(agent => Task.Run(async () =>
        {
            for (var i = 0; i < 10; i++)
            {
                await database.AppendLogsAsync(agent, LogSources.Startup, [new StartupLog(Base.AddTicks(i), $"{agent} {i}", "")], CancellationToken.None);
                await database.SaveMetadataAsync(agent, new Dictionary<string, MetadataResult> { ["n"] = new(Base.AddTicks(i), i, $"{i}", "") }, CancellationToken.None);
            }
        })));

        foreach (var agent in agents)
        {
            var state = await database.LoadAgentAsync(agent, CancellationToken.None);
            Assert.Equal(Enumerable.Range(0, 10).Select(i => $"{agent} {i}"), state.StartupLogs.Select(log => log.Output));
            Assert.Equal("9", state.Metadata["n"].Value);
        }
    }

    [Fact]
    public async Task LoadAgent_StoredRowUnreadable_ThrowsNamingTheDatabaseAndTheAgent()
    {
        await using var under = await CreateDatabaseAsync();
        await using var database = await OpenAsync(under);
        await database.AppendLifecycleAsync("main", new LifecycleReport(LifecycleState.Ready, Base), CancellationToken.None);
        await SchemaDump.ExecuteAsync(under, "UPDATE agent_lifecycle SET changed_at = 'yesterday'");

        var failed = await Assert.ThrowsAsync<ControlPlaneDatabaseException>(() => database.LoadAgentAsync("main", CancellationToken.None));

        Assert.StartsWith($"{under.Url}: agent main: a stored row cannot be read: ", failed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AppendLogs_WriteFailsPartWay_ThrowsNamingTheAgentAndStoresNoLineOfTheBatch()
    {
        await using var under = await CreateDatabaseAsync();
        await using var database = await OpenAsync(under);
        await database.AppendLogsAsync("main", LogSources.Startup, [new StartupLog(Base, "kept", "")], CancellationToken.None);
        await SchemaDump.ExecuteAsync(under, "CREATE UNIQUE INDEX agent_logs_no_repeat ON agent_logs (agent, output)");

        var failed = await Assert.ThrowsAsync<ControlPlaneDatabaseException>(
            () => database.AppendLogsAsync("main", LogSources.Startup, [new StartupLog(Base, "new", ""), new StartupLog(Base, "kept", "")], CancellationToken.None));

        Assert.StartsWith($"{under.Url}: agent main: the write failed, nothing of it was stored: ", failed.Message, StringComparison.Ordinal);
        Assert.Equal(["kept"], (await database.LoadAgentAsync("main", CancellationToken.None)).StartupLogs.Select(log => log.Output));
    }

    internal static Task<IControlPlaneDatabase> OpenAsync(IDatabaseUnderTest under)
        => ControlPlaneDatabases.OpenAsync(under.Url, NullLoggerFactory.Instance, CancellationToken.None);

    private static WorkspaceDefinition Workspace(params (string Name, string Token)[] agents) => new()
    {
        UserTokens = [UserToken],
        Agents = [.. agents.Select(agent => new WorkspaceAgentDefinition { Name = agent.Name, Token = agent.Token })],
    };

    private static string Sha256Hex(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static string Json(Stats stats) => JsonSerializer.Serialize(stats, AgentJsonContext.Default.Stats);
}
