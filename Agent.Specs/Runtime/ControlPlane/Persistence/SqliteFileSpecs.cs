using Agent.Reactive.Protocol;
using Agent.Runtime.ControlPlane.Persistence;
using Agent.Specs.Utilities;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agent.Specs.Runtime.ControlPlane.Persistence;

/// <summary>Where the SQLite database lives: private modes, no link followed, no directory others may write.</summary>
public sealed class SqliteFileSpecs
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    [Fact]
    public async Task Open_MissingDirectory_CreatesIt0700AndTheDatabaseAndItsWalAndShm0600()
    {
        using var temp = new TempDirectory();
        var path = temp.Combine("made", "control-plane.db");

        await using (var database = await OpenAsync(path))
        {
            await database.SaveStartupAsync("main", new StartupRequest("v1", "/home", "", null), CancellationToken.None);

            // A connection of the spec's own keeps the -wal and -shm in place whatever another spec does to the pools.
            await using var reader = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False");
            await reader.OpenAsync();
            Assert.Equal("wal", Assert.Single(await RowsAsync(path, "PRAGMA journal_mode")));

            Assert.Equal(OwnerOnly | UnixFileMode.UserExecute, File.GetUnixFileMode(temp.Combine("made")));
            Assert.Equal(OwnerOnly, File.GetUnixFileMode(path));
            Assert.Equal(OwnerOnly, File.GetUnixFileMode(path + "-wal"));
            Assert.Equal(OwnerOnly, File.GetUnixFileMode(path + "-shm"));
        }
    }

    [Fact]
    public async Task Open_ExistingFileOthersMayRead_IsMade0600()
    {
        using var temp = new TempDirectory();
        var path = temp.Combine("control-plane.db");
        await File.WriteAllBytesAsync(path, []);
        File.SetUnixFileMode(path, OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        await using var database = await OpenAsync(path);

        Assert.Equal(OwnerOnly, File.GetUnixFileMode(path));
    }

    [Fact]
    public async Task Open_SymbolicLinkAtThePath_IsRefusedAndItsTargetUntouched()
    {
        using var temp = new TempDirectory();
        var target = temp.Combine("elsewhere");
        await File.WriteAllTextAsync(target, "not a database");
        var path = temp.Combine("control-plane.db");
        File.CreateSymbolicLink(path, target);

        var refused = await Assert.ThrowsAsync<ControlPlaneDatabaseException>(() => OpenAsync(path));

        Assert.Contains($"sqlite:{path}", refused.Message, StringComparison.Ordinal);
        Assert.Contains("symbolic link", refused.Message, StringComparison.Ordinal);
        Assert.Equal("not a database", await File.ReadAllTextAsync(target));
    }

    [Fact]
    public async Task Open_SymbolicLinkAtTheWal_IsRefusedAndItsTargetUntouched()
    {
        using var temp = new TempDirectory();
        var target = temp.Combine("elsewhere");
        await File.WriteAllTextAsync(target, "not a log");
        var path = temp.Combine("control-plane.db");
        File.CreateSymbolicLink(path + "-wal", target);

        var refused = await Assert.ThrowsAsync<ControlPlaneDatabaseException>(() => OpenAsync(path));

        Assert.Contains("-wal is a symbolic link", refused.Message, StringComparison.Ordinal);
        Assert.Equal("not a log", await File.ReadAllTextAsync(target));
        Assert.False(File.Exists(path));
    }

    [Theory]
    [InlineData(UnixFileMode.OtherWrite)]
    [InlineData(UnixFileMode.GroupWrite)]
    public async Task Open_DirectoryOthersMayWrite_IsRefusedAndNothingCreated(UnixFileMode extra)
    {
        using var temp = new TempDirectory();
        var directory = temp.Combine("shared");
        Directory.CreateDirectory(directory);
        File.SetUnixFileMode(directory, OwnerOnly | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute | extra);
        var path = Path.Join(directory, "control-plane.db");

        var refused = await Assert.ThrowsAsync<ControlPlaneDatabaseException>(() => OpenAsync(path));

        Assert.Contains("group or others may write", refused.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(directory));
    }

    private static Task<IControlPlaneDatabase> OpenAsync(string path)
        => ControlPlaneDatabases.OpenAsync(DatabaseUrl.Parse("sqlite:" + path, out _)!, NullLoggerFactory.Instance, CancellationToken.None);

    private static async Task<List<string>> RowsAsync(string path, string sql)
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
            rows.Add(reader.GetString(0));
        return rows;
    }
}
