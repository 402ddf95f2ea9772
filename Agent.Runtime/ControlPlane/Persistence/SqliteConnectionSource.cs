using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Agent.Runtime.ControlPlane.Persistence;

/// <summary>
/// Connections to one SQLite file (pooled by Microsoft.Data.Sqlite), each with <c>synchronous=NORMAL</c> (with WAL, a
/// committed transaction survives a killed process) and a busy timeout, so a write waits for another instead of failing.
/// The file must exist (<see cref="SqliteFiles.Prepare"/> made it): SQLite is never asked to create it with its own mode.
/// </summary>
internal sealed class SqliteConnectionSource : IConnectionSource
{
    /// <summary>How long a statement waits for another connection's write lock.</summary>
    public static readonly TimeSpan BusyTimeout = TimeSpan.FromSeconds(10);

    private readonly string _connectionString;

    public SqliteConnectionSource(string path)
    {
        Path = path;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWrite,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = (int)BusyTimeout.TotalSeconds,
        }.ToString();
    }

    public DatabaseKind Kind => DatabaseKind.Sqlite;

    public string Path { get; }

    public string Name => "sqlite:" + Path;

    public async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await SqlCommands.ExecuteAsync(
                connection,
                null,
                $"PRAGMA busy_timeout = {(int)BusyTimeout.TotalMilliseconds}; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON",
                cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Puts the file in WAL mode (remembered in the file): readers do not wait for the writer.</summary>
    public async Task UseWriteAheadLogAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var mode = await SqlCommands.ScalarAsync(connection, null, "PRAGMA journal_mode = WAL", cancellationToken).ConfigureAwait(false);
        if (!string.Equals(mode as string, "wal", StringComparison.OrdinalIgnoreCase))
            throw new ControlPlaneDatabaseException($"{Name}: cannot use the write-ahead log (journal_mode is {mode})");
    }

    public ValueTask<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken)
        => ValueTask.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: false));

    public ValueTask<DbTransaction> BeginReadAsync(DbConnection connection, CancellationToken cancellationToken)
        => ValueTask.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: true));

    public ValueTask DisposeAsync()
    {
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
        return ValueTask.CompletedTask;
    }
}
