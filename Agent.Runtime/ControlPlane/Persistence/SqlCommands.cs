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
}
