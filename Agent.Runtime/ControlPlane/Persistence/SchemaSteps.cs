namespace Agent.Runtime.ControlPlane.Persistence;

/// <summary>
/// The schema, as the ordered list of its migrations. Timestamps are ISO-8601 text with their offset and 100 ns
/// precision (<c>DateTimeOffset.ToString("O")</c>), so they read back exactly as written. Rows of an agent are keyed by
/// its name. Lifecycle reports and log lines keep their order in an ascending <c>id</c>.
/// </summary>
internal static class SchemaSteps
{
    /// <summary>
    /// Replicas: each running control plane (its address, the digest of the secret it shows its peers, its heartbeat),
    /// and which replica holds each agent's relay.
    /// </summary>
    private const string Version2 =
        """
        CREATE TABLE replicas (
            id TEXT PRIMARY KEY,
            address TEXT NOT NULL,
            token_digest TEXT NOT NULL,
            started_at TEXT NOT NULL,
            heartbeat_at TEXT NOT NULL);
        CREATE TABLE agent_relays (
            agent TEXT PRIMARY KEY,
            replica TEXT NOT NULL,
            attached_at TEXT NOT NULL);
        CREATE INDEX agent_relays_by_replica ON agent_relays (replica);
        """;

    /// <summary>
    /// The dashboard's sign-ins, so every replica knows them and a restart keeps them: the SHA-256 of each session id
    /// and of the user token it was made from, never either itself.
    /// </summary>
    private const string Version3 =
        """
        CREATE TABLE browser_sessions (
            id_digest TEXT PRIMARY KEY,
            user_token_digest TEXT NOT NULL,
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL);
        CREATE INDEX browser_sessions_by_expiry ON browser_sessions (expires_at);
        """;

    /// <summary>
    /// Session recordings (issue 14): one row per recording (who, when, its size, how many chunks), its asciicast v2
    /// text in chunks in order; ordered for dropping the oldest by when the control plane took it.
    /// </summary>
    private const string Version5 =
        """
        CREATE TABLE agent_recordings (
            id TEXT PRIMARY KEY,
            agent TEXT NOT NULL,
            kind TEXT NOT NULL,
            who TEXT NOT NULL,
            width INTEGER NOT NULL,
            height INTEGER NOT NULL,
            started_at TEXT NOT NULL,
            created_at TEXT NOT NULL,
            ended_at TEXT NULL,
            size BIGINT NOT NULL,
            chunks BIGINT NOT NULL,
            dropped_bytes BIGINT NOT NULL);
        CREATE INDEX agent_recordings_by_agent ON agent_recordings (agent, created_at);
        CREATE TABLE agent_recording_chunks (
            recording TEXT NOT NULL,
            seq BIGINT NOT NULL,
            data TEXT NOT NULL,
            PRIMARY KEY (recording, seq));
        """;

    /// <summary>Every step, in order; the last one's version is the schema this binary writes.</summary>
    public static IReadOnlyList<SchemaStep> All { get; } =
    [
        new(1, Version1(DatabaseKind.Sqlite), Version1(DatabaseKind.Postgres)),
        new(2, Version2, Version2),
        new(3, Version3, Version3),
        new(4, Version4(DatabaseKind.Sqlite), Version4(DatabaseKind.Postgres)),
        new(5, Version5, Version5),
    ];

    /// <summary>The newest schema version this binary knows.</summary>
    public static int Latest => All[^1].Version;

    /// <summary>
    /// Connection reports (audit): one row per connection (its connect and disconnect merged, keyed by the agent's id for
    /// it), the file operations of SFTP and scp sessions beside it; at most <see cref="IConnectionStore.MaxConnectionsPerAgent"/> per agent.
    /// </summary>
    private static string Version4(DatabaseKind kind)
    {
        var id = kind == DatabaseKind.Sqlite ? "INTEGER PRIMARY KEY AUTOINCREMENT" : "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY";
        return $"""
            CREATE TABLE agent_connections (
                id {id},
                agent TEXT NOT NULL,
                connection_id TEXT NOT NULL,
                type TEXT NOT NULL,
                ip TEXT NOT NULL,
                user_name TEXT NOT NULL,
                who TEXT NOT NULL,
                what TEXT NOT NULL,
                connected_at TEXT NULL,
                disconnected_at TEXT NULL,
                status_code INTEGER NULL,
                signal TEXT NULL,
                reason TEXT NULL,
                file_operations_dropped INTEGER NOT NULL DEFAULT 0);
            CREATE UNIQUE INDEX agent_connections_by_id ON agent_connections (agent, connection_id);
            CREATE INDEX agent_connections_by_agent ON agent_connections (agent, id);
            CREATE TABLE agent_file_operations (
                id {id},
                agent TEXT NOT NULL,
                connection_id TEXT NOT NULL,
                at TEXT NOT NULL,
                operation TEXT NOT NULL,
                path TEXT NOT NULL,
                target TEXT NULL,
                bytes_read BIGINT NOT NULL,
                bytes_written BIGINT NOT NULL,
                failed INTEGER NOT NULL);
            CREATE INDEX agent_file_operations_by_connection ON agent_file_operations (agent, connection_id, id);
            """;
    }

    private static string Version1(DatabaseKind kind)
    {
        var id = kind == DatabaseKind.Sqlite ? "INTEGER PRIMARY KEY AUTOINCREMENT" : "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY";
        return $"""
            CREATE TABLE agents (
                name TEXT PRIMARY KEY,
                token_digest TEXT NOT NULL,
                deleted INTEGER NOT NULL DEFAULT 0,
                created_at TEXT NOT NULL,
                deleted_at TEXT NULL);
            CREATE TABLE user_tokens (
                token_digest TEXT PRIMARY KEY,
                created_at TEXT NOT NULL);
            CREATE TABLE agent_startup (
                agent TEXT PRIMARY KEY,
                version TEXT NOT NULL,
                expanded_directory TEXT NOT NULL,
                subsystem TEXT NOT NULL,
                ssh_host_keys TEXT NULL);
            CREATE TABLE agent_lifecycle (
                id {id},
                agent TEXT NOT NULL,
                state TEXT NOT NULL,
                changed_at TEXT NOT NULL);
            CREATE INDEX agent_lifecycle_by_agent ON agent_lifecycle (agent, id);
            CREATE TABLE agent_logs (
                id {id},
                agent TEXT NOT NULL,
                source TEXT NOT NULL,
                created_at TEXT NOT NULL,
                level TEXT NOT NULL,
                output TEXT NOT NULL);
            CREATE INDEX agent_logs_by_agent ON agent_logs (agent, source, id);
            CREATE TABLE agent_metadata (
                agent TEXT NOT NULL,
                key TEXT NOT NULL,
                collected_at TEXT NOT NULL,
                age BIGINT NOT NULL,
                value TEXT NOT NULL,
                error TEXT NOT NULL,
                PRIMARY KEY (agent, key));
            CREATE TABLE agent_app_health (
                agent TEXT NOT NULL,
                app_id TEXT NOT NULL,
                health TEXT NOT NULL,
                PRIMARY KEY (agent, app_id));
            CREATE TABLE agent_status (
                agent TEXT PRIMARY KEY,
                logs_overflowed INTEGER NOT NULL DEFAULT 0,
                last_seen_at TEXT NULL,
                last_stats TEXT NULL);
            """;
    }
}
