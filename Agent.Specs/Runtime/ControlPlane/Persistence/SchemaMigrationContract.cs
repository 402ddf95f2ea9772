using Agent.Reactive.Protocol;
using Agent.Runtime.ControlPlane.Persistence;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agent.Specs.Runtime.ControlPlane.Persistence;

/// <summary>
/// Schema migrations on SQLite and PostgreSQL: from an empty database, again at the newest version (nothing happens),
/// from every previous version (what was stored survives), and on a database newer than this binary (refused, untouched).
/// </summary>
public abstract class SchemaMigrationContract
{
    /// <summary>Every schema version before the newest: 0 (empty) and, once there is a v2, v1 and so on.</summary>
    public static TheoryData<int> PreviousVersions => [.. Enumerable.Range(0, SchemaSteps.Latest)];

    protected abstract Task<IDatabaseUnderTest> CreateDatabaseAsync();

    /// <summary>The file's bytes for SQLite (the refusal must not write a byte); empty for PostgreSQL.</summary>
    protected virtual Task<byte[]> FileBytesAsync(IDatabaseUnderTest under) => Task.FromResult(Array.Empty<byte>());

    [Fact]
    public async Task Open_EmptyDatabase_MigratesStepByStepToTheNewestVersion()
    {
        await using var under = await CreateDatabaseAsync();
        var logs = new CapturingLoggerProvider();
        using var factory = LoggerFactory.Create(builder => builder.AddProvider(logs));

        await using (var database = await ControlPlaneDatabases.OpenAsync(under.Url, factory, CancellationToken.None))
            await database.SaveLastSeenAsync("main", DateTimeOffset.UnixEpoch, CancellationToken.None);

        Assert.EndsWith($"version {SchemaSteps.Latest}", await under.SchemaAsync(), StringComparison.Ordinal);
        Assert.Equal(
            Enumerable.Range(1, SchemaSteps.Latest).Select(v => $"6501 {v}"),
            logs.Entries.Where(e => e.EventId.Id == 6501).Select(e => $"6501 {e.Property("Version")}"));
        Assert.Equal(SchemaSteps.Latest, Assert.Single(logs.Entries, e => e.EventId.Id == 6500).Property("Version"));
    }

    [Fact]
    public async Task Open_AgainAtTheNewestVersion_ChangesNothingAndKeepsTheRows()
    {
        await using var under = await CreateDatabaseAsync();
        await using (var database = await ControlPlaneDatabaseContract.OpenAsync(under))
            await database.AppendLifecycleAsync("main", new LifecycleReport(LifecycleState.Ready, DateTimeOffset.UnixEpoch), CancellationToken.None);
        var schema = await under.SchemaAsync();
        var logs = new CapturingLoggerProvider();
        using var factory = LoggerFactory.Create(builder => builder.AddProvider(logs));

        await using var reopened = await ControlPlaneDatabases.OpenAsync(under.Url, factory, CancellationToken.None);

        Assert.Equal(schema, await under.SchemaAsync());
        Assert.DoesNotContain(logs.Entries, e => e.EventId.Id == 6501);
        Assert.Single(logs.Entries, e => e.EventId.Id == 6500);
        Assert.Single((await reopened.LoadAgentAsync("main", CancellationToken.None)).Lifecycle);
    }

    [Fact]
    public async Task Open_DatabaseOfANewerVersion_IsRefusedNamingItAndLeftUntouched()
    {
        await using var under = await CreateDatabaseAsync();
        await using (var database = await ControlPlaneDatabaseContract.OpenAsync(under))
            await database.SaveStartupAsync("main", new StartupRequest("v1", "/home", "", null), CancellationToken.None);
        await SchemaDump.ExecuteAsync(under, $"UPDATE schema_version SET version = {SchemaSteps.Latest + 1}");
        under.ClearPools();
        var schema = await under.SchemaAsync();
        var bytes = await FileBytesAsync(under);
        var logs = new CapturingLoggerProvider();
        using var factory = LoggerFactory.Create(builder => builder.AddProvider(logs));

        var refused = await Assert.ThrowsAsync<ControlPlaneDatabaseException>(() => ControlPlaneDatabases.OpenAsync(under.Url, factory, CancellationToken.None));

        Assert.Contains(under.Url.ToString(), refused.Message, StringComparison.Ordinal);
        Assert.Contains($"schema version {SchemaSteps.Latest + 1} is newer than this binary's ({SchemaSteps.Latest})", refused.Message, StringComparison.Ordinal);
        Assert.Contains(logs.Entries, e => e.EventId.Id == 6502 && e.Level == LogLevel.Error);
        under.ClearPools();
        Assert.Equal(schema, await under.SchemaAsync());
        Assert.Equal(bytes, await FileBytesAsync(under));
        Assert.Equal(["main|v1"], await SchemaDump.RowsAsync(under, "SELECT agent, version FROM agent_startup"));
    }

    [Fact]
    public async Task Open_SeveralAtOnceOnAnEmptyDatabase_AllSucceedAndEachStepIsAppliedOnce()
    {
        await using var under = await CreateDatabaseAsync();
        var logs = new CapturingLoggerProvider();
        using var factory = LoggerFactory.Create(builder => builder.AddProvider(logs));

        var databases = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => ControlPlaneDatabases.OpenAsync(under.Url, factory, CancellationToken.None))));
        foreach (var database in databases)
            await database.DisposeAsync();

        Assert.Equal(SchemaSteps.Latest, logs.Entries.Count(e => e.EventId.Id == 6501));
        Assert.Equal(4, logs.Entries.Count(e => e.EventId.Id == 6500));
        Assert.EndsWith($"version {SchemaSteps.Latest}", await under.SchemaAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_StepThatFails_IsRolledBackWholeAndRefusedNamingTheVersion()
    {
        await using var under = await CreateDatabaseAsync();
        var latest = SchemaSteps.Latest;
        const string Broken = "CREATE TABLE half_made (x INTEGER); INSERT INTO no_such_table VALUES (1)";
        IReadOnlyList<SchemaStep> steps = [.. SchemaSteps.All, new SchemaStep(latest + 1, Broken, Broken)];

        var refused = await Assert.ThrowsAsync<ControlPlaneDatabaseException>(
            () => ControlPlaneDatabases.OpenSourceAsync(under.Url, NullLogger.Instance, steps, CancellationToken.None));

        Assert.Contains($"migrating to schema version {latest + 1} failed (rolled back)", refused.Message, StringComparison.Ordinal);
        under.ClearPools();
        var schema = await under.SchemaAsync();
        Assert.EndsWith($"version {latest}", schema, StringComparison.Ordinal);
        Assert.DoesNotContain("half_made", schema, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(PreviousVersions))]
    public async Task Open_FromAPreviousVersion_MigratesAndKeepsWhatWasStored(int previous)
    {
        await using var under = await CreateDatabaseAsync();
        var source = await ControlPlaneDatabases.OpenSourceAsync(under.Url, NullLogger.Instance, SchemaSteps.All, CancellationToken.None, upTo: previous);
        await source.DisposeAsync();
        var seed = PreviousVersionSeeds.For(previous);
        if (seed.Sql.Length > 0)
            await SchemaDump.ExecuteAsync(under, seed.Sql);

        await using var database = await ControlPlaneDatabaseContract.OpenAsync(under);

        Assert.EndsWith($"version {SchemaSteps.Latest}", await under.SchemaAsync(), StringComparison.Ordinal);
        seed.Check(await database.LoadAgentAsync("main", CancellationToken.None));
        await database.SaveLastSeenAsync("main", DateTimeOffset.UnixEpoch, CancellationToken.None);
        Assert.Equal(DateTimeOffset.UnixEpoch, (await database.LoadAgentAsync("main", CancellationToken.None)).LastSeenAt);
    }
}
