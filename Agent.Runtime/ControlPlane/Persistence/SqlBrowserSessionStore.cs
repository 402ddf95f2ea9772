namespace Agent.Runtime.ControlPlane.Persistence;

/// <summary><see cref="IBrowserSessionStore"/> in the SQL both databases run (table <c>browser_sessions</c>, schema v3).</summary>
internal sealed class SqlBrowserSessionStore : IBrowserSessionStore
{
    private const string Insert =
        """
        INSERT INTO browser_sessions (id_digest, user_token_digest, created_at, expires_at) VALUES (@id, @user, @created, @expires)
        ON CONFLICT (id_digest) DO UPDATE SET user_token_digest = excluded.user_token_digest, expires_at = excluded.expires_at
        """;

    private const string TrimToCapacity =
        """
        DELETE FROM browser_sessions WHERE id_digest NOT IN (
            SELECT id_digest FROM browser_sessions ORDER BY expires_at DESC, id_digest LIMIT @keep)
        """;

    private readonly IConnectionSource _source;

    public SqlBrowserSessionStore(IConnectionSource source) => _source = source;

    public Task SaveAsync(BrowserSessionRecord session, int capacity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        return SqlCommands.InTransactionAsync(
            _source,
            "keeping a dashboard sign-in failed",
            async (connection, transaction) =>
            {
                await SqlCommands.ExecuteAsync(connection, transaction, "DELETE FROM browser_sessions WHERE expires_at <= @now", cancellationToken, ("@now", StoredText.Timestamp(session.CreatedAt))).ConfigureAwait(false);
                await SqlCommands.ExecuteAsync(connection, transaction, TrimToCapacity, cancellationToken, ("@keep", capacity - 1)).ConfigureAwait(false);
                return await SqlCommands.ExecuteAsync(
                    connection,
                    transaction,
                    Insert,
                    cancellationToken,
                    ("@id", session.IdDigest),
                    ("@user", session.UserTokenDigest),
                    ("@created", StoredText.Timestamp(session.CreatedAt)),
                    ("@expires", StoredText.Timestamp(session.ExpiresAt))).ConfigureAwait(false);
            },
            cancellationToken);
    }

    public Task<BrowserSessionRecord?> FindAsync(string idDigest, CancellationToken cancellationToken)
        => SqlCommands.InTransactionAsync(
            _source,
            "reading a dashboard sign-in failed",
            async (connection, transaction) => (await SqlCommands.ReadAllAsync(
                connection,
                transaction,
                "SELECT id_digest, user_token_digest, created_at, expires_at FROM browser_sessions WHERE id_digest = @id",
                reader => new BrowserSessionRecord(reader.GetString(0), reader.GetString(1), StoredText.ParseTimestamp(reader.GetString(2)), StoredText.ParseTimestamp(reader.GetString(3))),
                cancellationToken,
                ("@id", idDigest)).ConfigureAwait(false)).SingleOrDefault(),
            cancellationToken,
            write: false);

    public Task DeleteAsync(string idDigest, CancellationToken cancellationToken)
        => SqlCommands.InTransactionAsync(
            _source,
            "ending a dashboard sign-in failed",
            (connection, transaction) => SqlCommands.ExecuteAsync(connection, transaction, "DELETE FROM browser_sessions WHERE id_digest = @id", cancellationToken, ("@id", idDigest)),
            cancellationToken);
}
