using System.Data.Common;
using System.Text;

namespace Agent.Specs.Runtime.ControlPlane.Persistence;

/// <summary>The lines of a catalogue query, then the rows of <c>schema_version</c> if there is one.</summary>
internal static class SchemaDump
{
    public static async Task<string> ReadAsync(DbConnection connection, string catalogue)
    {
        var text = new StringBuilder();
        var hasVersion = false;
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = catalogue;
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var line = reader.GetString(0);
                hasVersion |= line.Contains("schema_version", StringComparison.Ordinal);
                text.AppendLine(line);
            }
        }

        if (hasVersion)
            text.Append("version ").Append(await VersionAsync(connection));
        return text.ToString();
    }

    /// <summary>The version in <c>schema_version</c>, or null when the table has no row.</summary>
    public static async Task<long?> VersionAsync(DbConnection connection)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT MAX(version) FROM schema_version";
        var value = await command.ExecuteScalarAsync();
        return value is null or DBNull ? null : Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Runs <paramref name="sql"/> on a connection of its own.</summary>
    public static async Task ExecuteAsync(IDatabaseUnderTest database, string sql)
    {
        await using var connection = database.CreateConnection();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>The rows of <paramref name="sql"/>, each as its columns joined with <c>|</c> (null is empty).</summary>
    public static async Task<List<string>> RowsAsync(IDatabaseUnderTest database, string sql)
    {
        await using var connection = database.CreateConnection();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            rows.Add(string.Join('|', Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i)
                ? string.Empty
                : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture))));
        }

        return rows;
    }
}
