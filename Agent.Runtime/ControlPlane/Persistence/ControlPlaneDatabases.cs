using System.Data.Common;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.ControlPlane.Persistence;

/// <summary>Opens the control plane's database named by a <see cref="DatabaseUrl"/>, migrated to this binary's schema.</summary>
public static class ControlPlaneDatabases
{
    /// <summary>
    /// Opens the database, applies the migrations it lacks and returns the store. A SQLite file is created 0600 in a
    /// directory created 0700 when missing, and kept in WAL mode.
    /// </summary>
    /// <exception cref="ControlPlaneDatabaseException">
    /// The database cannot be opened or migrated, or is newer than this binary; the message names the URL (without its
    /// password) and the reason.
    /// </exception>
    public static Task<IControlPlaneDatabase> OpenAsync(DatabaseUrl url, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
        => OpenAsync(url, loggerFactory, TimeProvider.System, cancellationToken);

    /// <summary>As the public overload, on <paramref name="time"/>'s clock (when agents were added to or removed from the workspace).</summary>
    internal static async Task<IControlPlaneDatabase> OpenAsync(DatabaseUrl url, ILoggerFactory loggerFactory, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        var logger = loggerFactory.CreateLogger("Agent.ControlPlane.Database");
        var source = await OpenSourceAsync(url, logger, SchemaSteps.All, cancellationToken).ConfigureAwait(false);
        return new SqlControlPlaneDatabase(source, logger, time);
    }

    /// <summary>Opens and migrates (up to <paramref name="upTo"/>: specs make older versions); the source is the caller's on success, disposed on failure.</summary>
    internal static async Task<IConnectionSource> OpenSourceAsync(DatabaseUrl url, ILogger logger, IReadOnlyList<SchemaStep> steps, CancellationToken cancellationToken, int? upTo = null)
    {
        IConnectionSource? source = null;
        try
        {
            if (url.Kind == DatabaseKind.Sqlite)
            {
                SqliteFiles.Prepare(url.Path);
                source = new SqliteConnectionSource(url.Path);
            }
            else
            {
                source = new PostgresConnectionSource(url);
            }

            var version = await SchemaMigrator.MigrateAsync(source, steps, logger, cancellationToken, upTo).ConfigureAwait(false);
            if (source is SqliteConnectionSource sqlite)
                await sqlite.UseWriteAheadLogAsync(cancellationToken).ConfigureAwait(false);
            logger.DatabaseOpened(source.Name, version);
            return source;
        }
        catch (ControlPlaneDatabaseException ex)
        {
            if (source is not null)
                await source.DisposeAsync().ConfigureAwait(false);
            logger.DatabaseRefused(url.ToString(), ex.Message);
            throw;
        }
        catch (Exception ex) when (ex is DbException or IOException or SocketException or TimeoutException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
        {
            if (source is not null)
                await source.DisposeAsync().ConfigureAwait(false);
            var reason = $"cannot be opened: {ex.Message}";
            logger.DatabaseRefused(url.ToString(), reason);
            throw new ControlPlaneDatabaseException($"{url}: {reason}", ex);
        }
    }
}
