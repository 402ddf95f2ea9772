using System.Globalization;
using Agent.Runtime.ControlPlane.Persistence;
using Npgsql;

namespace Agent.Specs.Utilities;

/// <summary>
/// A private PostgreSQL server for the specs, one per test class or collection (<c>IClassFixture&lt;PostgresServer&gt;</c>):
/// Debian's <c>initdb</c> and <c>pg_ctl</c> from the newest <c>/usr/lib/postgresql/VERSION/bin</c> (package
/// <c>postgresql</c>) make a cluster in a fresh temporary directory, with trust authentication for the user
/// <c>postgres</c>, listening on a Unix socket in that directory only (<c>listen_addresses=''</c>, <c>-k DIR</c>: no TCP
/// port, nothing another spec can collide with), <c>fsync=off</c> (the cluster is thrown away). Start takes about a
/// second. <see cref="CreateDatabaseAsync"/> gives each spec an empty database of its own.
/// </summary>
/// <remarks>
/// <c>initdb</c> and <c>postgres</c> refuse to run as root, and the specs run as root here and in CI: then every
/// PostgreSQL program runs as the user <c>nobody</c> (group <c>nogroup</c>) through <c>setpriv --reuid --regid
/// --clear-groups</c>, and the directory is <c>chown</c>ed to it first; root, the specs' user, still reaches the socket.
/// As another user, the programs run as that user. <see cref="DisposeAsync"/> stops the server with
/// <c>pg_ctl stop -m immediate</c> and deletes the directory; a start that fails does the same before it throws, so no
/// <c>postgres</c> process outlives the class, whether its specs passed or not.
/// </remarks>
public sealed class PostgresServer : IAsyncLifetime
{
    private const string Unprivileged = "nobody";
    private const string UnprivilegedGroup = "nogroup";
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);
    private int _databases;

    public PostgresServer()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("agent-pg-").FullName;
        Bin = FindBin();
    }

    /// <summary>The cluster's directory: <c>data/</c>, the server log <c>log</c> and the socket <c>.s.PGSQL.5432</c>.</summary>
    public string Directory { get; }

    /// <summary>The PostgreSQL programs' directory, e.g. <c>/usr/lib/postgresql/15/bin</c>.</summary>
    public string Bin { get; }

    private string DataDirectory => Path.Join(Directory, "data");

    /// <summary>The newest installed <c>/usr/lib/postgresql/*/bin</c> that has <c>initdb</c> and <c>pg_ctl</c>.</summary>
    public static string FindBin()
    {
        const string Root = "/usr/lib/postgresql";
        var bin = System.IO.Directory.Exists(Root)
            ? System.IO.Directory.GetDirectories(Root)
                .Select(version => (Version: int.TryParse(Path.GetFileName(version), NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : -1, Bin: Path.Join(version, "bin")))
                .Where(candidate => File.Exists(Path.Join(candidate.Bin, "initdb")) && File.Exists(Path.Join(candidate.Bin, "pg_ctl")))
                .OrderByDescending(candidate => candidate.Version)
                .Select(candidate => candidate.Bin)
                .FirstOrDefault()
            : null;
        return bin ?? throw new InvalidOperationException($"PostgreSQL is not installed: no {Root}/VERSION/bin with initdb and pg_ctl (Debian package postgresql)");
    }

    public async Task InitializeAsync()
    {
        try
        {
            if (Agent.Runtime.Os.Interop.PrivateFile.CurrentUser == 0)
                await RunCheckedAsync("chown", [$"{Unprivileged}:{UnprivilegedGroup}", Directory], asPostgresUser: false);
            await RunCheckedAsync(Path.Join(Bin, "initdb"), ["-D", DataDirectory, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"]);
            await RunCheckedAsync(Path.Join(Bin, "pg_ctl"), ["-D", DataDirectory, "-l", Path.Join(Directory, "log"), "-w", "-s", "-o", $"-c listen_addresses='' -k {Directory} -c fsync=off", "start"]);
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    /// <summary>A new, empty database on this server (named <c>spec_N</c>), as a <c>postgres://</c> URL.</summary>
    public async Task<DatabaseUrl> CreateDatabaseAsync()
    {
        var name = "spec_" + Interlocked.Increment(ref _databases).ToString(CultureInfo.InvariantCulture);
        await using (var connection = new NpgsqlConnection(ConnectionString("postgres")))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync();
        }

        return DatabaseUrl.Parse(Url(name), out var problem) ?? throw new InvalidOperationException(problem);
    }

    /// <summary>The URL of <paramref name="database"/> on this server: <c>postgres://postgres@/DB?host=DIR</c>.</summary>
    public string Url(string database) => $"postgres://postgres@/{database}?host={Directory}";

    /// <summary>An Npgsql connection string for <paramref name="database"/> on this server.</summary>
    public string ConnectionString(string database)
        => new NpgsqlConnectionStringBuilder { Host = Directory, Username = "postgres", Database = database, Pooling = false }.ConnectionString;

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (File.Exists(Path.Join(DataDirectory, "postmaster.pid")))
            await RunAsync(Path.Join(Bin, "pg_ctl"), ["-D", DataDirectory, "-m", "immediate", "-w", "-s", "stop"], asPostgresUser: true);
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open: the OS cleans the temporary directory later.
        }
    }

    // In the cluster's directory: nobody may not enter the specs' working directory, and initdb wants to.
    private Task<ProcessRunner.Result> RunAsync(string program, IEnumerable<string> arguments, bool asPostgresUser)
    {
        var unprivileged = asPostgresUser && Agent.Runtime.Os.Interop.PrivateFile.CurrentUser == 0;
        var info = new System.Diagnostics.ProcessStartInfo(unprivileged ? "setpriv" : program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Directory,
        };
        IEnumerable<string> all = unprivileged ? ["--reuid", Unprivileged, "--regid", UnprivilegedGroup, "--clear-groups", "--", program, .. arguments] : arguments;
        foreach (var argument in all)
            info.ArgumentList.Add(argument);
        return ProcessRunner.RunAsync(info, timeout: CommandTimeout);
    }

    private async Task RunCheckedAsync(string program, IEnumerable<string> arguments, bool asPostgresUser = true)
    {
        var result = await RunAsync(program, arguments, asPostgresUser);
        if (result.ExitCode != 0)
        {
            var log = Path.Join(Directory, "log");
            var serverLog = File.Exists(log) ? await File.ReadAllTextAsync(log) : string.Empty;
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited {result.ExitCode}: {result.Error} {result.Text} {serverLog}");
        }
    }
}
