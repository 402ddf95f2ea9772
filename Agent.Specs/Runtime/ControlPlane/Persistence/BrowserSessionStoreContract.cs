using Agent.Runtime.ControlPlane;
using Agent.Runtime.ControlPlane.Persistence;
using Agent.Specs.Fakes.SshTransport;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agent.Specs.Runtime.ControlPlane.Persistence;

/// <summary>
/// What the database keeps of the dashboard's sign-ins, on SQLite and PostgreSQL: digests only, read back exactly,
/// deleted on sign-out, expired ones and the oldest beyond the capacity forgotten.
/// </summary>
public abstract class BrowserSessionStoreContract
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 9, 0, 0, TimeSpan.Zero);

    /// <summary>A fresh, empty database for one spec.</summary>
    protected abstract Task<IDatabaseUnderTest> CreateDatabaseAsync();

    [Fact]
    public async Task Save_ThenFind_ReadsItBackExactlyAndKeepsNoIdOrToken()
    {
        await using var under = await CreateDatabaseAsync();
        await using var database = await OpenAsync(under);
        var session = Session("id-1", Now);

        await database.BrowserSessions.SaveAsync(session, 10, CancellationToken.None);

        Assert.Equal(session, await database.BrowserSessions.FindAsync(session.IdDigest, CancellationToken.None));
        Assert.Null(await database.BrowserSessions.FindAsync(BearerSecrets.Digest("id-2"), CancellationToken.None));
        var rows = string.Join('\n', await SchemaDump.RowsAsync(under, "SELECT id_digest, user_token_digest FROM browser_sessions"));
        Assert.DoesNotContain("id-1", rows, StringComparison.Ordinal);
        Assert.DoesNotContain("user-token", rows, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delete_TheSession_IsGone()
    {
        await using var under = await CreateDatabaseAsync();
        await using var database = await OpenAsync(under);
        var session = Session("id-1", Now);
        await database.BrowserSessions.SaveAsync(session, 10, CancellationToken.None);

        await database.BrowserSessions.DeleteAsync(session.IdDigest, CancellationToken.None);

        Assert.Null(await database.BrowserSessions.FindAsync(session.IdDigest, CancellationToken.None));
    }

    [Fact]
    public async Task Save_AtCapacity_ForgetsTheExpiredThenTheOldest()
    {
        await using var under = await CreateDatabaseAsync();
        await using var database = await OpenAsync(under);
        var expired = Session("expired", Now - BrowserSessions.Lifetime - TimeSpan.FromMinutes(1));
        var older = Session("older", Now - TimeSpan.FromMinutes(2));
        var newer = Session("newer", Now - TimeSpan.FromMinutes(1));
        foreach (var session in new[] { expired, older, newer })
            await database.BrowserSessions.SaveAsync(session, 10, CancellationToken.None);

        await database.BrowserSessions.SaveAsync(Session("latest", Now), 2, CancellationToken.None);

        Assert.Null(await database.BrowserSessions.FindAsync(expired.IdDigest, CancellationToken.None));
        Assert.Null(await database.BrowserSessions.FindAsync(older.IdDigest, CancellationToken.None));
        Assert.NotNull(await database.BrowserSessions.FindAsync(newer.IdDigest, CancellationToken.None));
        Assert.NotNull(await database.BrowserSessions.FindAsync(BearerSecrets.Digest("latest"), CancellationToken.None));
    }

    private static BrowserSessionRecord Session(string id, DateTimeOffset created)
        => new(BearerSecrets.Digest(id), BearerSecrets.Digest("user-token"), created, created + BrowserSessions.Lifetime);

    private static Task<IControlPlaneDatabase> OpenAsync(IDatabaseUnderTest under)
        => ControlPlaneDatabases.OpenAsync(under.Url, NullLoggerFactory.Instance, new ManualTimeProvider(), CancellationToken.None);
}

/// <summary>The sign-in store contract on SQLite.</summary>
public sealed class SqliteBrowserSessionStoreSpecs : BrowserSessionStoreContract
{
    protected override Task<IDatabaseUnderTest> CreateDatabaseAsync() => Task.FromResult<IDatabaseUnderTest>(new SqliteUnderTest());
}

/// <summary>The sign-in store contract on PostgreSQL.</summary>
public sealed class PostgresBrowserSessionStoreSpecs(Agent.Specs.Utilities.PostgresServer server) : BrowserSessionStoreContract, IClassFixture<Agent.Specs.Utilities.PostgresServer>
{
    protected override async Task<IDatabaseUnderTest> CreateDatabaseAsync() => await PostgresUnderTest.CreateAsync(server);
}
