using System.Data.Common;

namespace Agent.Runtime.ControlPlane.Persistence;

/// <summary>Builds commands with <c>@name</c> parameters, which both SQLite and Npgsql bind.</summary>
internal static class SqlCommands
{
    public static DbCommand Create(DbConnection connection, DbTransaction? transaction, string sql, params ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
            Add(command, name, value);
        return command;
    }

    public static DbParameter Add(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
        return parameter;
    }

    public static async Task<int> ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Create(connection, transaction, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs <paramref name="sql"/> once per row of <paramref name="rows"/> on one command: <paramref name="shared"/> bound
    /// once, the parameters <paramref name="names"/> bound to each row's <paramref name="values"/> (in that order).
    /// </summary>
    public static async Task ExecuteEachAsync<T>(
        DbConnection connection,
        DbTransaction transaction,
        string sql,
        IEnumerable<T> rows,
        string[] names,
        Func<T, object?[]> values,
        CancellationToken cancellationToken,
        params (string Name, object? Value)[] shared)
    {
        await using var command = Create(connection, transaction, sql, shared);
        var parameters = Array.ConvertAll(names, name => Add(command, name, null));
        foreach (var row in rows)
        {
            var bound = values(row);
            for (var i = 0; i < parameters.Length; i++)
                parameters[i].Value = bound[i] ?? DBNull.Value;
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Runs the query <paramref name="sql"/> and maps each row with <paramref name="row"/>, in the order read.</summary>
    public static async Task<List<T>> ReadAllAsync<T>(
        DbConnection connection, DbTransaction? transaction, string sql, Func<DbDataReader, T> row, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Create(connection, transaction, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            rows.Add(row(reader));
        return rows;
    }

    public static async Task<object?> ScalarAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Create(connection, transaction, sql, parameters);
        var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return value is DBNull ? null : value;
    }

    /// <summary>
    /// Runs <paramref name="work"/> in one transaction (a write transaction unless <paramref name="write"/> is false) on
    /// a connection of its own and commits it. A database
    /// error, or a stored value that cannot be read, becomes a <see cref="ControlPlaneDatabaseException"/> that names
    /// the database and says <paramref name="failure"/>; nothing of the call was written then.
    /// </summary>
    public static async Task<T> InTransactionAsync<T>(
        IConnectionSource source, string failure, Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken, bool write = true)
    {
        try
        {
            await using var connection = await source.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = write
                ? await source.BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false)
                : await source.BeginReadAsync(connection, cancellationToken).ConfigureAwait(false);
            var result = await work(connection, transaction).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return result;
        }
        catch (Exception ex) when (ex is DbException or FormatException or UriFormatException or InvalidCastException)
        {
            throw new ControlPlaneDatabaseException($"{source.Name}: {failure}: {ex.Message}", ex);
        }
    }
}
