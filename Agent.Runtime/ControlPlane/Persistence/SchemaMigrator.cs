using System.Data.Common;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.ControlPlane.Persistence;

/// <summary>
/// Brings a database to the newest schema: reads <c>schema_version</c> (none is version 0), refuses a database of a
/// newer version than this binary knows without writing to it, then applies each missing step in a transaction of its
/// own that also records the new version. On PostgreSQL an advisory lock serialises replicas that start together, and
/// each step re-reads the version under it, so a step is never applied twice.
/// </summary>
internal static class SchemaMigrator
{
    // pg_advisory_xact_lock's key: any constant that no other code of this database uses.
    private const long MigrationLockKey = 0x4147454E54_6500;

    /// <summary>Migrates to <paramref name="upTo"/> (default: the last step), returns the version the database is at.</summary>
    /// <exception cref="ControlPlaneDatabaseException">The database is newer than this binary, or a step failed (rolled back).</exception>
    public static async Task<int> MigrateAsync(IConnectionSource source, IReadOnlyList<SchemaStep> steps, ILogger logger, CancellationToken cancellationToken, int? upTo = null)
    {
        var target = upTo ?? steps[^1].Version;
        var known = steps[^1].Version;
        await using var connection = await source.OpenAsync(cancellationToken).ConfigureAwait(false);
        var version = await ReadVersionAsync(connection, null, source.Kind, cancellationToken).ConfigureAwait(false);
        if (version > known)
        {
            var reason = $"its schema version {version} is newer than this binary's ({known}); it was left untouched: run a newer agent";
            throw new ControlPlaneDatabaseException($"{source.Name}: {reason}");
        }

        foreach (var step in steps)
        {
            if (step.Version <= version || step.Version > target)
                continue;
            var applied = await ApplyAsync(source, connection, step, cancellationToken).ConfigureAwait(false);
            version = Math.Max(version, step.Version);
            if (applied)
                logger.DatabaseMigrated(source.Name, step.Version);
        }

        return version;
    }

    /// <summary>The version recorded in <c>schema_version</c>, or 0 when the table does not exist.</summary>
    public static async Task<int> ReadVersionAsync(DbConnection connection, DbTransaction? transaction, DatabaseKind kind, CancellationToken cancellationToken)
    {
        var exists = kind == DatabaseKind.Sqlite
            ? "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"
            : "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'schema_version'";
        if (Convert.ToInt64(await SqlCommands.ScalarAsync(connection, transaction, exists, cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture) == 0)
            return 0;
        var version = await SqlCommands.ScalarAsync(connection, transaction, "SELECT MAX(version) FROM schema_version", cancellationToken).ConfigureAwait(false);
        return version is null ? 0 : Convert.ToInt32(version, CultureInfo.InvariantCulture);
    }

    // Whether this call applied the step (false: another process had, while this one waited for the lock).
    private static async Task<bool> ApplyAsync(IConnectionSource source, DbConnection connection, SchemaStep step, CancellationToken cancellationToken)
    {
        await using var transaction = await source.BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
        if (source.Kind == DatabaseKind.Postgres)
            await SqlCommands.ExecuteAsync(connection, transaction, "SELECT pg_advisory_xact_lock(@key)", cancellationToken, ("@key", MigrationLockKey)).ConfigureAwait(false);
        var version = await ReadVersionAsync(connection, transaction, source.Kind, cancellationToken).ConfigureAwait(false);
        if (version >= step.Version)
            return false;
        try
        {
            await SqlCommands.ExecuteAsync(connection, transaction, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)", cancellationToken).ConfigureAwait(false);
            await SqlCommands.ExecuteAsync(connection, transaction, step.For(source.Kind), cancellationToken).ConfigureAwait(false);
            await SqlCommands.ExecuteAsync(connection, transaction, "DELETE FROM schema_version", cancellationToken).ConfigureAwait(false);
            await SqlCommands.ExecuteAsync(connection, transaction, "INSERT INTO schema_version (version) VALUES (@version)", cancellationToken, ("@version", step.Version)).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbException ex)
        {
            throw new ControlPlaneDatabaseException($"{source.Name}: migrating to schema version {step.Version} failed (rolled back): {ex.Message}", ex);
        }

        return true;
    }
}
