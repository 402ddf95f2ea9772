using System.Data.Common;
using System.Text;
using Agent.Runtime.ControlPlane.Persistence;
using Agent.Specs.Utilities;
using Microsoft.Data.Sqlite;

namespace Agent.Specs.Runtime.ControlPlane.Persistence;

/// <summary>A SQLite database file in a directory that does not exist yet, inside a fresh temporary directory.</summary>
public sealed class SqliteUnderTest : IDatabaseUnderTest
{
    private readonly TempDirectory _directory = new();

    public SqliteUnderTest()
    {
        Path = _directory.Combine("state", "control-plane.db");
        Url = DatabaseUrl.Parse("sqlite:" + Path, out var problem) ?? throw new InvalidOperationException(problem);
    }

    public string Path { get; }

    public DatabaseUrl Url { get; }

    public DbConnection CreateConnection() => new SqliteConnection($"Data Source={Path};Pooling=False");

    public async Task<string> StoredTextAsync()
    {
        var text = new StringBuilder();
        foreach (var file in (string[])[Path, Path + "-wal", Path + "-journal"])
        {
            if (File.Exists(file))
                text.Append(Encoding.Latin1.GetString(await File.ReadAllBytesAsync(file)));
        }

        return text.ToString();
    }

    public async Task<string> SchemaAsync()
    {
        await using var connection = CreateConnection();
        await connection.OpenAsync();
        return await SchemaDump.ReadAsync(connection, "SELECT type || ' ' || name || ' ' || coalesce(sql, '') FROM sqlite_master ORDER BY name");
    }

    public void ClearPools() => SqliteConnection.ClearAllPools();

    public ValueTask DisposeAsync()
    {
        ClearPools();
        _directory.Dispose();
        return ValueTask.CompletedTask;
    }
}
