using System.Data.Common;
using System.Text.Json;
using Agent.Reactive.Protocol;
using Agent.Runtime.ControlPlane.Replicas;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.ControlPlane.Persistence;

/// <summary>
/// <see cref="IControlPlaneDatabase"/> in SQL that SQLite and PostgreSQL both run (<c>@name</c> parameters,
/// <c>INSERT ... ON CONFLICT DO UPDATE</c>). Each method is one transaction on a connection of its own, so it is safe
/// on its own; an exception means nothing of that call was written.
/// </summary>
internal sealed class SqlControlPlaneDatabase : IControlPlaneDatabase
{
    private const string UpsertStartup =
        """
        INSERT INTO agent_startup (agent, version, expanded_directory, subsystem, ssh_host_keys)
        VALUES (@agent, @version, @directory, @subsystem, @keys)
        ON CONFLICT (agent) DO UPDATE SET version = excluded.version, expanded_directory = excluded.expanded_directory,
            subsystem = excluded.subsystem, ssh_host_keys = excluded.ssh_host_keys
        """;

    private const string TrimLifecycle =
        """
        DELETE FROM agent_lifecycle WHERE agent = @agent AND id < (
            SELECT MIN(id) FROM (SELECT id FROM agent_lifecycle WHERE agent = @agent ORDER BY id DESC LIMIT @keep) AS newest)
        """;

    private const string MarkOverflowed =
        """
        INSERT INTO agent_status (agent, logs_overflowed) VALUES (@agent, 1)
        ON CONFLICT (agent) DO UPDATE SET logs_overflowed = 1
        """;

    private const string UpsertMetadata =
        """
        INSERT INTO agent_metadata (agent, key, collected_at, age, value, error) VALUES (@agent, @key, @collected, @age, @value, @error)
        ON CONFLICT (agent, key) DO UPDATE SET collected_at = excluded.collected_at, age = excluded.age,
            value = excluded.value, error = excluded.error
        """;

    private const string UpsertAppHealth =
        """
        INSERT INTO agent_app_health (agent, app_id, health) VALUES (@agent, @app, @health)
        ON CONFLICT (agent, app_id) DO UPDATE SET health = excluded.health
        """;

    private const string UpsertStats =
        """
        INSERT INTO agent_status (agent, last_stats) VALUES (@agent, @stats)
        ON CONFLICT (agent) DO UPDATE SET last_stats = excluded.last_stats
        """;

    private const string UpsertLastSeen =
        """
        INSERT INTO agent_status (agent, last_seen_at) VALUES (@agent, @seen)
        ON CONFLICT (agent) DO UPDATE SET last_seen_at = excluded.last_seen_at
        """;

    private readonly IConnectionSource _source;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;

    public SqlControlPlaneDatabase(IConnectionSource source, ILogger logger, TimeProvider time)
    {
        _source = source;
        _logger = logger;
        _time = time;
        Replicas = new SqlReplicaStore(source, time);
        BrowserSessions = new SqlBrowserSessionStore(source);
        Connections = new SqlConnectionStore(source);
        Recordings = new SqlRecordingStore(source, time);
        Channel = (source as PostgresConnectionSource)?.Channel;
    }

    public IReplicaStore Replicas { get; }

    public IBrowserSessionStore BrowserSessions { get; }

    public IConnectionStore Connections { get; }

    public IReplicaChannel? Channel { get; }

    public IRecordingStore Recordings { get; }

    public Task SyncWorkspaceAsync(WorkspaceDefinition workspace, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        return WriteAsync(
            null,
            async (connection, transaction) =>
            {
                var (agents, deleted) = await WorkspaceSync.ApplyAsync(connection, transaction, workspace, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
                _logger.WorkspaceSynced(_source.Name, agents, deleted);
            },
            cancellationToken);
    }

    public async Task<StoredAgentState> LoadAgentAsync(string agent, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(agent);
        try
        {
            return await ReadAsync(agent, cancellationToken).ConfigureAwait(false);
        }
        catch (DbException ex)
        {
            throw new ControlPlaneDatabaseException($"{_source.Name}: agent {agent}: reading failed: {ex.Message}", ex);
        }
    }

    public Task SaveStartupAsync(string agent, StartupRequest request, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(agent);
        ArgumentNullException.ThrowIfNull(request);
        var hostKeys = request.SshHostKeys is null ? null : string.Join('\n', request.SshHostKeys);
        return ExecuteAsync(
            agent,
            UpsertStartup,
            cancellationToken,
            ("@agent", agent),
            ("@version", request.Version ?? string.Empty),
            ("@directory", request.ExpandedDirectory ?? string.Empty),
            ("@subsystem", request.Subsystem ?? string.Empty),
            ("@keys", hostKeys));
    }

    public Task AppendLifecycleAsync(string agent, LifecycleReport report, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(agent);
        ArgumentNullException.ThrowIfNull(report);
        return WriteAsync(
            agent,
            async (connection, transaction) =>
            {
                await SqlCommands.ExecuteAsync(
                    connection,
                    transaction,
                    "INSERT INTO agent_lifecycle (agent, state, changed_at) VALUES (@agent, @state, @changed)",
                    cancellationToken,
                    ("@agent", agent),
                    ("@state", StoredText.Name(report.State)),
                    ("@changed", StoredText.Timestamp(report.ChangedAt))).ConfigureAwait(false);
                await SqlCommands.ExecuteAsync(
                    connection,
                    transaction,
                    TrimLifecycle,
                    cancellationToken,
                    ("@agent", agent),
                    ("@keep", ControlPlaneAgent.MaxLifecycleReports)).ConfigureAwait(false);
            },
            cancellationToken);
    }

    public Task AppendLogsAsync(string agent, string source, IReadOnlyList<StartupLog> logs, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(agent);
        ArgumentNullException.ThrowIfNull(logs);
        if (!LogSourceKeys.IsKey(source))
            throw new ArgumentException($"unknown log source \"{source}\" ({LogSources.Startup}, {LogSources.Shutdown} or a log source id)", nameof(source));
        if (logs.Count == 0)
            return Task.CompletedTask;
        return WriteAsync(
            agent,
            (connection, transaction) => SqlCommands.ExecuteEachAsync(
                connection,
                transaction,
                "INSERT INTO agent_logs (agent, source, created_at, level, output) VALUES (@agent, @source, @created, @level, @output)",
                logs,
                ["@created", "@level", "@output"],
                log =>
                {
                    ArgumentNullException.ThrowIfNull(log, nameof(logs));
                    return [StoredText.Timestamp(log.CreatedAt), log.Level ?? string.Empty, log.Output ?? string.Empty];
                },
                cancellationToken,
                ("@agent", agent),
                ("@source", source)),
            cancellationToken);
    }

    public Task MarkLogsOverflowedAsync(string agent, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(agent);
        return ExecuteAsync(
            agent,
            MarkOverflowed,
            cancellationToken,
            ("@agent", agent));
    }

    public Task SaveMetadataAsync(string agent, IReadOnlyDictionary<string, MetadataResult> newest, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(agent);
        ArgumentNullException.ThrowIfNull(newest);
        if (newest.Count == 0)
            return Task.CompletedTask;
        return WriteLatestAsync(
            agent,
            (connection, transaction) => SqlCommands.ExecuteEachAsync(
                connection,
                transaction,
                UpsertMetadata,
                newest,
                ["@key", "@collected", "@age", "@value", "@error"],
                pair =>
                {
                    ArgumentNullException.ThrowIfNull(pair.Value, nameof(newest));
                    return [pair.Key, StoredText.Timestamp(pair.Value.CollectedAt), pair.Value.Age, pair.Value.Value ?? string.Empty, pair.Value.Error ?? string.Empty];
                },
                cancellationToken,
                ("@agent", agent)),
            cancellationToken);
    }

    public Task SaveAppHealthAsync(string agent, IReadOnlyDictionary<Guid, AppHealth> health, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(agent);
        ArgumentNullException.ThrowIfNull(health);
        if (health.Count == 0)
            return Task.CompletedTask;
        return WriteLatestAsync(
            agent,
            (connection, transaction) => SqlCommands.ExecuteEachAsync(
                connection,
                transaction,
                UpsertAppHealth,
                health,
                ["@app", "@health"],
                pair => [pair.Key.ToString("D"), StoredText.Name(pair.Value)],
                cancellationToken,
                ("@agent", agent)),
            cancellationToken);
    }

    public Task SaveStatsAsync(string agent, Stats stats, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(agent);
        ArgumentNullException.ThrowIfNull(stats);
        return ExecuteLatestAsync(
            agent,
            UpsertStats,
            cancellationToken,
            ("@agent", agent),
            ("@stats", JsonSerializer.Serialize(stats, AgentJsonContext.Default.Stats)));
    }

    public Task SaveLastSeenAsync(string agent, DateTimeOffset lastSeenAt, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(agent);
        return ExecuteLatestAsync(
            agent,
            UpsertLastSeen,
            cancellationToken,
            ("@agent", agent),
            ("@seen", StoredText.Timestamp(lastSeenAt)));
    }

    public ValueTask DisposeAsync() => _source.DisposeAsync();

    private async Task<StoredAgentState> ReadAsync(string agent, CancellationToken cancellationToken)
    {
        await using var connection = await _source.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await _source.BeginReadAsync(connection, cancellationToken).ConfigureAwait(false);
        try
        {
            var state = await AgentStateReader.ReadAsync(connection, transaction, agent, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return state;
        }
        catch (Exception ex) when (ex is FormatException or JsonException or InvalidCastException)
        {
            throw new ControlPlaneDatabaseException($"{_source.Name}: agent {agent}: a stored row cannot be read: {ex.Message}", ex);
        }
    }

    private Task ExecuteAsync(string agent, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
        => WriteAsync(agent, (connection, transaction) => SqlCommands.ExecuteAsync(connection, transaction, sql, cancellationToken, parameters), cancellationToken);

    private Task ExecuteLatestAsync(string agent, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
        => WriteLatestAsync(agent, (connection, transaction) => SqlCommands.ExecuteAsync(connection, transaction, sql, cancellationToken, parameters), cancellationToken);

    // The coalesced kinds (metadata, app health, stats, last seen): newest values that were never acknowledged one by one
    // and wait in memory for a flush anyway. On PostgreSQL their commit does not wait for the disk (synchronous_commit
    // off for this transaction only: a crash of the database server may lose the last moment of them, never a durable
    // report, and never half a transaction). They are the bulk of the writes, so the fleet's flushes stop queueing on
    // fsync. SQLite's WAL with synchronous=NORMAL already commits them without a sync.
    private Task WriteLatestAsync(string agent, Func<DbConnection, DbTransaction, Task> write, CancellationToken cancellationToken)
        => _source.Kind != DatabaseKind.Postgres
            ? WriteAsync(agent, write, cancellationToken)
            : WriteAsync(
                agent,
                async (connection, transaction) =>
                {
                    await SqlCommands.ExecuteAsync(connection, transaction, "SET LOCAL synchronous_commit TO OFF", cancellationToken).ConfigureAwait(false);
                    await write(connection, transaction).ConfigureAwait(false);
                },
                cancellationToken);

    // One transaction on a connection of its own; a database error becomes a ControlPlaneDatabaseException naming the
    // database and the agent (null: the workspace), and nothing of the call was written.
    private async Task WriteAsync(string? agent, Func<DbConnection, DbTransaction, Task> write, CancellationToken cancellationToken)
        => await SqlCommands.InTransactionAsync(
            _source,
            $"{(agent is null ? "loading the workspace" : $"agent {agent}")}: the write failed, nothing of it was stored",
            async (connection, transaction) =>
            {
                await write(connection, transaction).ConfigureAwait(false);
                return true;
            },
            cancellationToken).ConfigureAwait(false);
}
