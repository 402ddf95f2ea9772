using System.Data.Common;
using System.Globalization;
using Agent.Reactive.Protocol;

namespace Agent.Runtime.ControlPlane.Persistence;

/// <summary><see cref="IConnectionStore"/> in the SQL both databases run (schema v4): one row per connection, its file operations beside it.</summary>
internal sealed class SqlConnectionStore(IConnectionSource source) : IConnectionStore
{
    private const string Connect =
        """
        INSERT INTO agent_connections (agent, connection_id, type, ip, user_name, who, what, connected_at)
        VALUES (@agent, @id, @type, @ip, @user, @who, @what, @at)
        ON CONFLICT (agent, connection_id) DO UPDATE SET connected_at = excluded.connected_at
        """;

    private const string Disconnect =
        """
        INSERT INTO agent_connections (agent, connection_id, type, ip, user_name, who, what, disconnected_at, status_code, signal, reason, file_operations_dropped)
        VALUES (@agent, @id, @type, @ip, @user, @who, @what, @at, @status, @signal, @reason, @dropped)
        ON CONFLICT (agent, connection_id) DO UPDATE SET disconnected_at = excluded.disconnected_at, status_code = excluded.status_code,
            signal = excluded.signal, reason = excluded.reason, file_operations_dropped = excluded.file_operations_dropped
        """;

    private const string InsertFileOperation =
        """
        INSERT INTO agent_file_operations (agent, connection_id, at, operation, path, target, bytes_read, bytes_written, failed)
        VALUES (@agent, @id, @at, @operation, @path, @target, @read, @written, @failed)
        """;

    private const string TrimConnections =
        """
        DELETE FROM agent_connections WHERE agent = @agent AND id < (
            SELECT MIN(id) FROM (SELECT id FROM agent_connections WHERE agent = @agent ORDER BY id DESC LIMIT @keep) AS newest)
        """;

    private const string TrimFileOperations =
        """
        DELETE FROM agent_file_operations WHERE agent = @agent
            AND connection_id NOT IN (SELECT connection_id FROM agent_connections WHERE agent = @agent)
        """;

    private const string SelectConnections =
        """
        SELECT connection_id, type, ip, user_name, who, what, connected_at, disconnected_at, status_code, signal, reason, file_operations_dropped
        FROM agent_connections WHERE agent = @agent ORDER BY id DESC LIMIT @limit
        """;

    private const string SelectFileOperations =
        """
        SELECT f.connection_id, f.at, f.operation, f.path, f.target, f.bytes_read, f.bytes_written, f.failed
        FROM agent_file_operations f
        JOIN (SELECT connection_id FROM agent_connections WHERE agent = @agent ORDER BY id DESC LIMIT @limit) c ON f.connection_id = c.connection_id
        WHERE f.agent = @agent ORDER BY f.id
        """;

    public Task AppendAsync(string agent, IReadOnlyList<ConnectionReport> reports, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(agent);
        ArgumentNullException.ThrowIfNull(reports);
        return SqlCommands.InTransactionAsync(
            source,
            $"agent {agent}: keeping connection reports failed",
            async (connection, transaction) =>
            {
                foreach (var report in reports)
                    await WriteAsync(connection, transaction, agent, report, cancellationToken).ConfigureAwait(false);
                await SqlCommands.ExecuteAsync(connection, transaction, TrimConnections, cancellationToken, ("@agent", agent), ("@keep", IConnectionStore.MaxConnectionsPerAgent)).ConfigureAwait(false);
                return await SqlCommands.ExecuteAsync(connection, transaction, TrimFileOperations, cancellationToken, ("@agent", agent)).ConfigureAwait(false);
            },
            cancellationToken);
    }

    public Task<IReadOnlyList<ConnectionRecord>> ReadAsync(string agent, int limit, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(agent);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        return SqlCommands.InTransactionAsync(
            source,
            $"agent {agent}: reading connections failed",
            async (connection, transaction) =>
            {
                var operations = (await SqlCommands.ReadAllAsync(connection, transaction, SelectFileOperations, ReadFileOperation, cancellationToken, ("@agent", agent), ("@limit", limit)).ConfigureAwait(false))
                    .ToLookup(row => row.Connection, row => row.Operation);
                var rows = await SqlCommands.ReadAllAsync(connection, transaction, SelectConnections, reader => ReadConnection(reader, operations), cancellationToken, ("@agent", agent), ("@limit", limit)).ConfigureAwait(false);
                return (IReadOnlyList<ConnectionRecord>)rows;
            },
            cancellationToken,
            write: false);
    }

    private static async Task WriteAsync(DbConnection connection, DbTransaction transaction, string agent, ConnectionReport report, CancellationToken cancellationToken)
    {
        var id = report.Id.ToString("D", CultureInfo.InvariantCulture);
        (string, object?)[] shared =
        [
            ("@agent", agent), ("@id", id), ("@type", report.Type), ("@ip", report.Ip), ("@user", report.User), ("@who", report.Who), ("@what", report.What),
            ("@at", StoredText.Timestamp(report.Timestamp)),
        ];
        if (report.Action == ConnectionActions.Connect)
        {
            await SqlCommands.ExecuteAsync(connection, transaction, Connect, cancellationToken, shared).ConfigureAwait(false);
            return;
        }

        await SqlCommands.ExecuteAsync(
            connection,
            transaction,
            Disconnect,
            cancellationToken,
            [.. shared, ("@status", report.StatusCode), ("@signal", report.Signal), ("@reason", report.Reason), ("@dropped", report.FileOperationsDropped)]).ConfigureAwait(false);
        if (report.FileOperations is not { Count: > 0 } operations)
            return;
        await SqlCommands.ExecuteEachAsync(
            connection,
            transaction,
            InsertFileOperation,
            operations,
            ["@at", "@operation", "@path", "@target", "@read", "@written", "@failed"],
            operation => [StoredText.Timestamp(operation.At), operation.Operation, operation.Path, operation.Target, operation.BytesRead, operation.BytesWritten, operation.Failed ? 1 : 0],
            cancellationToken,
            ("@agent", agent),
            ("@id", id)).ConfigureAwait(false);
    }

    private static (string Connection, FileOperation Operation) ReadFileOperation(DbDataReader reader)
        => (reader.GetString(0), new FileOperation(
            StoredText.ParseTimestamp(reader.GetString(1)),
            reader.GetString(2),
            reader.GetString(3),
            reader.IsDBNull(4) ? null : reader.GetString(4),
            Convert.ToInt64(reader.GetValue(5), CultureInfo.InvariantCulture),
            Convert.ToInt64(reader.GetValue(6), CultureInfo.InvariantCulture),
            Convert.ToInt64(reader.GetValue(7), CultureInfo.InvariantCulture) != 0));

    private static ConnectionRecord ReadConnection(DbDataReader reader, ILookup<string, FileOperation> operations)
    {
        var id = reader.GetString(0);
        return new ConnectionRecord(
            Guid.Parse(id),
            reader.GetString(1),
            reader.GetString(2),
            reader.GetString(3),
            reader.GetString(4),
            reader.GetString(5),
            reader.IsDBNull(6) ? null : StoredText.ParseTimestamp(reader.GetString(6)),
            reader.IsDBNull(7) ? null : StoredText.ParseTimestamp(reader.GetString(7)),
            reader.IsDBNull(8) ? null : Convert.ToInt32(reader.GetValue(8), CultureInfo.InvariantCulture),
            reader.IsDBNull(9) ? null : reader.GetString(9),
            reader.IsDBNull(10) ? null : reader.GetString(10),
            [.. operations[id]],
            Convert.ToInt32(reader.GetValue(11), CultureInfo.InvariantCulture));
    }
}
