using System.Data.Common;
using System.Text;
using System.Text.Json;
using Agent.Reactive.Protocol;

namespace Agent.Runtime.ControlPlane.Persistence;

/// <summary>
/// Reads what is stored about one agent, bounded by the control plane's own caps: the newest
/// <see cref="ControlPlaneAgent.MaxLifecycleReports"/> lifecycle reports, log lines up to
/// <see cref="ControlPlaneAgent.MaxLogLines"/> lines and <see cref="ControlPlaneAgent.MaxLogBytes"/> bytes of output for
/// both sources together, and at most <see cref="MaxKeys"/> metadata keys and apps.
/// </summary>
internal static class AgentStateReader
{
    /// <summary>Metadata keys and app health entries read per agent (a manifest lists far fewer).</summary>
    public const int MaxKeys = 10_000;

    private const string SelectNewestLifecycle =
        """
        SELECT state, changed_at FROM (
            SELECT id, state, changed_at FROM agent_lifecycle WHERE agent = @agent ORDER BY id DESC LIMIT @keep) AS newest
        ORDER BY id
        """;

    public static async Task<StoredAgentState> ReadAsync(DbConnection connection, DbTransaction transaction, string agent, CancellationToken cancellationToken)
    {
        var startup = await ReadStartupAsync(connection, transaction, agent, cancellationToken).ConfigureAwait(false);
        var lifecycle = await ReadLifecycleAsync(connection, transaction, agent, cancellationToken).ConfigureAwait(false);
        var budget = new LogBudget();
        var startupLogs = await ReadLogsAsync(connection, transaction, agent, LogSources.Startup, budget, cancellationToken).ConfigureAwait(false);
        var shutdownLogs = await ReadLogsAsync(connection, transaction, agent, LogSources.Shutdown, budget, cancellationToken).ConfigureAwait(false);
        var sourceLogs = new Dictionary<string, IReadOnlyList<StartupLog>>(StringComparer.Ordinal);
        foreach (var source in await ReadLogSourcesAsync(connection, transaction, agent, cancellationToken).ConfigureAwait(false))
            sourceLogs[source] = await ReadLogsAsync(connection, transaction, agent, source, budget, cancellationToken).ConfigureAwait(false);
        var metadata = await ReadMetadataAsync(connection, transaction, agent, cancellationToken).ConfigureAwait(false);
        var health = await ReadAppHealthAsync(connection, transaction, agent, cancellationToken).ConfigureAwait(false);
        await using var status = SqlCommands.Create(connection, transaction, "SELECT logs_overflowed, last_seen_at, last_stats FROM agent_status WHERE agent = @agent", ("@agent", agent));
        await using var reader = await status.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var found = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return new StoredAgentState(
            startup,
            lifecycle,
            startupLogs,
            shutdownLogs,
            found && Convert.ToInt64(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture) != 0,
            metadata,
            health,
            found && !reader.IsDBNull(2) ? JsonSerializer.Deserialize(reader.GetString(2), AgentJsonContext.Default.Stats) : null,
            found && !reader.IsDBNull(1) ? StoredText.ParseTimestamp(reader.GetString(1)) : null)
        {
            SourceLogs = sourceLogs,
        };
    }

    // The manifest's log sources the agent sent lines of (the old startup and shutdown sources are read by name).
    private static async Task<List<string>> ReadLogSourcesAsync(DbConnection connection, DbTransaction transaction, string agent, CancellationToken cancellationToken)
    {
        await using var command = SqlCommands.Create(
            connection,
            transaction,
            "SELECT DISTINCT source FROM agent_logs WHERE agent = @agent AND source <> 'startup' AND source <> 'shutdown' ORDER BY source",
            ("@agent", agent));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var sources = new List<string>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            sources.Add(reader.GetString(0));
        return sources;
    }

    private static async Task<StartupRequest?> ReadStartupAsync(DbConnection connection, DbTransaction transaction, string agent, CancellationToken cancellationToken)
    {
        await using var command = SqlCommands.Create(
            connection,
            transaction,
            "SELECT version, expanded_directory, subsystem, ssh_host_keys FROM agent_startup WHERE agent = @agent",
            ("@agent", agent));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            return null;
        IReadOnlyList<string>? keys = reader.IsDBNull(3)
            ? null
            : reader.GetString(3) is { Length: > 0 } lines ? lines.Split('\n') : [];
        return new StartupRequest(reader.GetString(0), reader.GetString(1), reader.GetString(2), keys);
    }

    private static Task<List<LifecycleReport>> ReadLifecycleAsync(DbConnection connection, DbTransaction transaction, string agent, CancellationToken cancellationToken)
        => SqlCommands.ReadAllAsync(
            connection,
            transaction,
            SelectNewestLifecycle,
            reader => new LifecycleReport(StoredText.ParseName<LifecycleState>(reader.GetString(0)), StoredText.ParseTimestamp(reader.GetString(1))),
            cancellationToken,
            ("@agent", agent),
            ("@keep", ControlPlaneAgent.MaxLifecycleReports));

    private static async Task<List<StartupLog>> ReadLogsAsync(DbConnection connection, DbTransaction transaction, string agent, string source, LogBudget budget, CancellationToken cancellationToken)
    {
        await using var command = SqlCommands.Create(
            connection,
            transaction,
            "SELECT created_at, output, level FROM agent_logs WHERE agent = @agent AND source = @source ORDER BY id LIMIT @limit",
            ("@agent", agent),
            ("@source", source),
            ("@limit", budget.Lines));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var logs = new List<StartupLog>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var output = reader.GetString(1);
            if (!budget.Take(Encoding.UTF8.GetByteCount(output)))
                break;
            logs.Add(new StartupLog(StoredText.ParseTimestamp(reader.GetString(0)), output, reader.GetString(2)));
        }

        return logs;
    }

    private static async Task<Dictionary<string, MetadataResult>> ReadMetadataAsync(DbConnection connection, DbTransaction transaction, string agent, CancellationToken cancellationToken)
    {
        await using var command = SqlCommands.Create(
            connection,
            transaction,
            "SELECT key, collected_at, age, value, error FROM agent_metadata WHERE agent = @agent ORDER BY key LIMIT @limit",
            ("@agent", agent),
            ("@limit", MaxKeys));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var metadata = new Dictionary<string, MetadataResult>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            metadata[reader.GetString(0)] = new MetadataResult(StoredText.ParseTimestamp(reader.GetString(1)), reader.GetInt64(2), reader.GetString(3), reader.GetString(4));
        return metadata;
    }

    private static async Task<Dictionary<Guid, AppHealth>> ReadAppHealthAsync(DbConnection connection, DbTransaction transaction, string agent, CancellationToken cancellationToken)
    {
        await using var command = SqlCommands.Create(
            connection,
            transaction,
            "SELECT app_id, health FROM agent_app_health WHERE agent = @agent ORDER BY app_id LIMIT @limit",
            ("@agent", agent),
            ("@limit", MaxKeys));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var health = new Dictionary<Guid, AppHealth>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            health[Guid.Parse(reader.GetString(0))] = StoredText.ParseName<AppHealth>(reader.GetString(1));
        return health;
    }

    // What is left of the per-agent log caps while both sources are read.
    private sealed class LogBudget
    {
        private long _bytes = ControlPlaneAgent.MaxLogBytes;

        public int Lines { get; private set; } = ControlPlaneAgent.MaxLogLines;

        public bool Take(int bytes)
        {
            if (Lines == 0 || bytes > _bytes)
                return false;
            Lines--;
            _bytes -= bytes;
            return true;
        }
    }
}
