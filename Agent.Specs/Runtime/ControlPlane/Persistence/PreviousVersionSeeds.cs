using Agent.Reactive.Protocol;
using Agent.Runtime.ControlPlane.Persistence;

namespace Agent.Specs.Runtime.ControlPlane.Persistence;

/// <summary>
/// Rows written in the SQL of an older schema version (the same in both dialects), and what the newest binary must load
/// from them. Version 0 is the empty database. A new schema step adds the seed of the version before it, so that
/// <see cref="SchemaMigrationContract.Open_FromAPreviousVersion_MigratesAndKeepsWhatWasStored"/> covers vN-1 → vN.
/// </summary>
internal static class PreviousVersionSeeds
{
    private static readonly DateTimeOffset Changed = new(2026, 12, 5, 3, 4, 5, TimeSpan.FromHours(1));

    /// <summary>One agent with something of every kind (schema v1, unchanged since).</summary>
    private static readonly string AgentRows =
        $$"""
        INSERT INTO agents (name, token_digest, deleted, created_at) VALUES ('main', 'abc', 0, '{{StoredText.Timestamp(Changed)}}');
        INSERT INTO agent_startup (agent, version, expanded_directory, subsystem, ssh_host_keys) VALUES ('main', 'v1', '/home/coder', '', 'ssh-ed25519 AAAA');
        INSERT INTO agent_lifecycle (agent, state, changed_at) VALUES ('main', 'start_timeout', '{{StoredText.Timestamp(Changed)}}');
        INSERT INTO agent_logs (agent, source, created_at, level, output) VALUES ('main', 'startup', '{{StoredText.Timestamp(Changed)}}', 'info', 'hello');
        INSERT INTO agent_metadata (agent, key, collected_at, age, value, error) VALUES ('main', 'cpu', '{{StoredText.Timestamp(Changed)}}', 3, '5%', '');
        INSERT INTO agent_app_health (agent, app_id, health) VALUES ('main', '11111111-2222-4333-8444-555555555555', 'healthy');
        INSERT INTO agent_status (agent, logs_overflowed, last_seen_at, last_stats) VALUES ('main', 1, '{{StoredText.Timestamp(Changed)}}', '{"connection_count":4}');
        """;

    public static (string Sql, Action<StoredAgentState> Check) For(int version) => version switch
    {
        0 => (string.Empty, state => Assert.True(state.Startup is null && state.Lifecycle.Count == 0 && state.StartupLogs.Count == 0 && state.LastSeenAt is null)),
        1 => (AgentRows, CheckAgent),
        2 => (
            AgentRows + $$"""

            INSERT INTO replicas (id, address, token_digest, started_at, heartbeat_at) VALUES ('6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f', 'http://127.0.0.1:7080/', 'def', '{{StoredText.Timestamp(Changed)}}', '{{StoredText.Timestamp(Changed)}}');
            INSERT INTO agent_relays (agent, replica, attached_at) VALUES ('main', '6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f', '{{StoredText.Timestamp(Changed)}}');
            """,
            CheckAgent),
        3 => (
            For(2).Sql + $$"""

            INSERT INTO browser_sessions (id_digest, user_token_digest, created_at, expires_at) VALUES ('ghi', 'jkl', '{{StoredText.Timestamp(Changed)}}', '{{StoredText.Timestamp(Changed.AddHours(12))}}');
            """,
            CheckAgent),
        4 => (
            For(3).Sql + $$"""

            INSERT INTO agent_connections (agent, connection_id, type, ip, user_name, who, what, connected_at, disconnected_at, status_code) VALUES ('main', 'c1', 'ssh', '127.0.0.1', 'coder', 'SHA256:abc', 'shell', '{{StoredText.Timestamp(Changed)}}', '{{StoredText.Timestamp(Changed)}}', 0);
            INSERT INTO agent_file_operations (agent, connection_id, at, operation, path, bytes_read, bytes_written, failed) VALUES ('main', 'c1', '{{StoredText.Timestamp(Changed)}}', 'open-read', '/etc/hostname', 9, 0, 0);
            """,
            CheckAgent),
        _ => throw new InvalidOperationException($"no seed for schema version {version}: add one with the step after it"),
    };

    private static void CheckAgent(StoredAgentState state)
    {
        Assert.Equal(("v1", "/home/coder", ""), (state.Startup!.Version, state.Startup.ExpandedDirectory, state.Startup.Subsystem));
        Assert.Equal(["ssh-ed25519 AAAA"], state.Startup.SshHostKeys!);
        Assert.Equal([new LifecycleReport(LifecycleState.StartTimeout, Changed)], state.Lifecycle);
        Assert.Equal([new StartupLog(Changed, "hello", "info")], state.StartupLogs);
        Assert.Equal(new MetadataResult(Changed, 3, "5%", ""), state.Metadata["cpu"]);
        Assert.Equal(AppHealth.Healthy, state.AppHealth[Guid.Parse("11111111-2222-4333-8444-555555555555")]);
        Assert.True(state.LogsOverflowed);
        Assert.Equal(4, state.LastStats!.ConnectionCount);
        Assert.Equal(Changed, state.LastSeenAt);
    }
}
