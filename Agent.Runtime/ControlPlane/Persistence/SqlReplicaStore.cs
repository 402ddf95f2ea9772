using System.Data.Common;

namespace Agent.Runtime.ControlPlane.Persistence;

/// <summary>
/// <see cref="IReplicaStore"/> in the SQL both databases run. Heartbeats are the writer's clock and timeouts the
/// reader's: replicas of one database keep their clocks in step (NTP) well within the timeout.
/// </summary>
internal sealed class SqlReplicaStore : IReplicaStore
{
    private const string Upsert =
        """
        INSERT INTO replicas (id, address, token_digest, started_at, heartbeat_at) VALUES (@id, @address, @digest, @now, @now)
        ON CONFLICT (id) DO UPDATE SET address = excluded.address, token_digest = excluded.token_digest, heartbeat_at = excluded.heartbeat_at
        """;

    private const string Claim =
        """
        INSERT INTO agent_relays (agent, replica, attached_at) VALUES (@agent, @replica, @now)
        ON CONFLICT (agent) DO UPDATE SET replica = excluded.replica, attached_at = excluded.attached_at
        """;

    private const string Owner =
        """
        SELECT r.id, r.address, r.token_digest, r.heartbeat_at FROM agent_relays a JOIN replicas r ON r.id = a.replica
        WHERE a.agent = @agent AND r.heartbeat_at >= @cutoff
        """;

    private readonly IConnectionSource _source;
    private readonly TimeProvider _time;

    public SqlReplicaStore(IConnectionSource source, TimeProvider time)
    {
        _source = source;
        _time = time;
    }

    public bool IsShared => _source.Kind != DatabaseKind.Sqlite;

    public Task RegisterAsync(ReplicaIdentity self, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(self);
        return RunAsync(
            $"registering {self}",
            (connection, transaction) => SqlCommands.ExecuteAsync(
                connection,
                transaction,
                Upsert,
                cancellationToken,
                ("@id", self.Id.ToString("D")),
                ("@address", self.Address.ToString()),
                ("@digest", self.TokenDigest),
                ("@now", Now())),
            cancellationToken);
    }

    public Task<bool> HeartbeatAsync(Guid id, CancellationToken cancellationToken)
        => RunAsync(
            $"the heartbeat of replica {id:D}",
            async (connection, transaction) => await SqlCommands.ExecuteAsync(
                connection,
                transaction,
                "UPDATE replicas SET heartbeat_at = @now WHERE id = @id",
                cancellationToken,
                ("@id", id.ToString("D")),
                ("@now", Now())).ConfigureAwait(false) == 1,
            cancellationToken);

    public Task UnregisterAsync(Guid id, CancellationToken cancellationToken)
        => RunAsync(
            $"unregistering replica {id:D}",
            async (connection, transaction) =>
            {
                await SqlCommands.ExecuteAsync(connection, transaction, "DELETE FROM agent_relays WHERE replica = @id", cancellationToken, ("@id", id.ToString("D"))).ConfigureAwait(false);
                return await SqlCommands.ExecuteAsync(connection, transaction, "DELETE FROM replicas WHERE id = @id", cancellationToken, ("@id", id.ToString("D"))).ConfigureAwait(false);
            },
            cancellationToken);

    public Task<IReadOnlyList<ReplicaRecord>> LiveAsync(TimeSpan timeout, CancellationToken cancellationToken)
        => RunAsync(
            "listing the replicas",
            async (connection, transaction) => (IReadOnlyList<ReplicaRecord>)await SqlCommands.ReadAllAsync(
                connection,
                transaction,
                "SELECT id, address, token_digest, heartbeat_at FROM replicas WHERE heartbeat_at >= @cutoff ORDER BY id",
                Read,
                cancellationToken,
                ("@cutoff", Cutoff(timeout))).ConfigureAwait(false),
            cancellationToken);

    public Task ClaimRelayAsync(string agent, Guid replica, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(agent);
        return RunAsync(
            $"agent {agent}: claiming its relay",
            (connection, transaction) => SqlCommands.ExecuteAsync(
                connection, transaction, Claim, cancellationToken, ("@agent", agent), ("@replica", replica.ToString("D")), ("@now", Now())),
            cancellationToken);
    }

    public Task ReleaseRelayAsync(string agent, Guid replica, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(agent);
        return RunAsync(
            $"agent {agent}: releasing its relay",
            (connection, transaction) => SqlCommands.ExecuteAsync(
                connection,
                transaction,
                "DELETE FROM agent_relays WHERE agent = @agent AND replica = @replica",
                cancellationToken,
                ("@agent", agent),
                ("@replica", replica.ToString("D"))),
            cancellationToken);
    }

    public Task<IReadOnlyDictionary<string, Guid>> RelayOwnersAsync(TimeSpan timeout, CancellationToken cancellationToken)
        => RunAsync(
            "listing the relays' replicas",
            async (connection, transaction) => (IReadOnlyDictionary<string, Guid>)(await SqlCommands.ReadAllAsync(
                connection,
                transaction,
                "SELECT a.agent, a.replica FROM agent_relays a JOIN replicas r ON r.id = a.replica WHERE r.heartbeat_at >= @cutoff",
                reader => (Agent: reader.GetString(0), Replica: Guid.Parse(reader.GetString(1))),
                cancellationToken,
                ("@cutoff", Cutoff(timeout))).ConfigureAwait(false)).ToDictionary(row => row.Agent, row => row.Replica, StringComparer.Ordinal),
            cancellationToken);

    public Task<ReplicaRecord?> RelayOwnerAsync(string agent, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(agent);
        return RunAsync(
            $"agent {agent}: finding its relay",
            async (connection, transaction) =>
            {
                await using var command = SqlCommands.Create(connection, transaction, Owner, ("@agent", agent), ("@cutoff", Cutoff(timeout)));
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
            },
            cancellationToken);
    }

    private static ReplicaRecord Read(DbDataReader reader)
        => new(Guid.Parse(reader.GetString(0)), new Uri(reader.GetString(1)), reader.GetString(2), StoredText.ParseTimestamp(reader.GetString(3)));

    // Timestamps compare as text: every replica writes UTC (+00:00) with seven fractional digits.
    private string Now() => StoredText.Timestamp(_time.GetUtcNow());

    private string Cutoff(TimeSpan timeout) => StoredText.Timestamp(_time.GetUtcNow() - timeout);

    private Task<T> RunAsync<T>(string what, Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken)
        => SqlCommands.InTransactionAsync(_source, $"{what} failed", work, cancellationToken);
}
