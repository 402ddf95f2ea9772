using System.Data.Common;
using System.Text;
using Agent.Runtime.ControlPlane.Persistence;
using Agent.Specs.Utilities;
using Npgsql;

namespace Agent.Specs.Runtime.ControlPlane.Persistence;

/// <summary>A new database on the class's <see cref="PostgresServer"/>.</summary>
public sealed class PostgresUnderTest : IDatabaseUnderTest
{
    private readonly PostgresServer _server;

    private PostgresUnderTest(PostgresServer server, DatabaseUrl url)
    {
        _server = server;
        Url = url;
    }

    public DatabaseUrl Url { get; }

    public static async Task<PostgresUnderTest> CreateAsync(PostgresServer server) => new(server, await server.CreateDatabaseAsync());

    public DbConnection CreateConnection() => new NpgsqlConnection(_server.ConnectionString(Url.Database));

    /// <summary>Every text column of every table, all rows.</summary>
    public async Task<string> StoredTextAsync()
    {
        await using var connection = CreateConnection();
        await connection.OpenAsync();
        var columns = new List<(string Table, string Column)>();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' AND data_type IN ('text', 'character varying')";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                columns.Add((reader.GetString(0), reader.GetString(1)));
        }

        Assert.NotEmpty(columns);
        var text = new StringBuilder();
        foreach (var (table, column) in columns)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT \"{column}\" FROM \"{table}\"";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                text.Append(reader.IsDBNull(0) ? string.Empty : reader.GetString(0)).Append('\n');
        }

        return text.ToString();
    }

    public async Task<string> SchemaAsync()
    {
        await using var connection = CreateConnection();
        await connection.OpenAsync();
        return await SchemaDump.ReadAsync(
            connection,
            "SELECT table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1");
    }

    public void ClearPools() => NpgsqlConnection.ClearAllPools();

    public ValueTask DisposeAsync()
    {
        ClearPools();
        return ValueTask.CompletedTask;
    }
}
