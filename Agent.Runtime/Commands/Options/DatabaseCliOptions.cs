using System.CommandLine;
using Agent.Runtime.ControlPlane;
using Agent.Runtime.ControlPlane.Persistence;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Commands.Options;

/// <summary><c>--database</c> of <c>agent server</c> and <c>agent dev</c>, and opening the control plane on it.</summary>
public sealed class DatabaseCliOptions
{
    /// <summary>The environment variable <c>--database</c> falls back to.</summary>
    public const string Variable = "AGENT_DATABASE_URL";

    /// <summary>The SQLite file in the data directory when neither <c>--database</c> nor <see cref="Variable"/> is set.</summary>
    public const string DefaultFile = "control-plane.db";

    /// <param name="defaultLocation">Where the default database is, as <c>--help</c> says it (<c>agent dev</c> keeps it beside its tokens).</param>
    public DatabaseCliOptions(string defaultLocation = $"<data dir>/{DefaultFile}")
    {
        Database = new("--database")
        {
            Description = $"The control plane's database: sqlite:PATH or postgres://user[:password]@host:port/db (env {Variable}; default sqlite:{defaultLocation})",
        };
    }

    public Option<string?> Database { get; }

    /// <summary>
    /// Opens the database that <c>--database</c>, <see cref="Variable"/> or <paramref name="dataDirectory"/> names, and the
    /// control plane on it (workspace synced, agents restored, nothing listening yet). On failure the reason goes to
    /// stderr as <c>agent COMMAND: ...</c> and the exit code is returned: 2 for a value that is not a database URL, 1 for a
    /// database that cannot be opened, migrated or read.
    /// </summary>
    /// <exception cref="ArgumentException">An option is out of range or the address is not <c>host:port</c>.</exception>
    public async Task<(PersistentControlPlane? ControlPlane, int ExitCode)> OpenAsync(
        ParseResult result,
        string dataDirectory,
        string commandName,
        WorkspaceDefinition workspace,
        ControlPlaneOptions options,
        ILoggerFactory loggerFactory,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(result);
        var url = Parse(result, dataDirectory, out var problem);
        if (url is null)
        {
            await Console.Error.WriteLineAsync($"agent {commandName}: {problem}");
            return (null, 2);
        }

        try
        {
            var database = await ControlPlaneDatabases.OpenAsync(url, loggerFactory, cancellationToken);
            return (await PersistentControlPlane.CreateAsync(workspace, options, database, loggerFactory, cancellationToken), 0);
        }
        catch (ControlPlaneDatabaseException ex)
        {
            problem = ex.Message;
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or IOException or UnauthorizedAccessException or TimeoutException or InvalidOperationException)
        {
            problem = $"{url}: {ex.Message}";
        }

        await Console.Error.WriteLineAsync($"agent {commandName}: cannot use the database {problem}");
        return (null, 1);
    }

    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(Database);
    }

    // The URL of --database, else of the variable, else sqlite:<dataDirectory>/control-plane.db; null with the reason
    // (naming where the value came from) when it is not a database URL.
    private DatabaseUrl? Parse(ParseResult result, string dataDirectory, out string? problem)
    {
        var given = EnvironmentDefaults.OptionOrFirst("--database", result.GetValue(Database), Variable);
        var url = DatabaseUrl.Parse(given?.Value ?? "sqlite:" + Path.Join(dataDirectory, DefaultFile), out problem);
        if (url is null)
            problem = $"{given?.Source ?? "--data-dir"}: {problem}";
        return url;
    }
}
