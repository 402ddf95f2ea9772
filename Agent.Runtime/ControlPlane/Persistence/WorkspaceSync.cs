using System.Data.Common;

namespace Agent.Runtime.ControlPlane.Persistence;

/// <summary>
/// Loads the workspace file into the database in one transaction: its agents are added, or updated and undeleted (a new
/// token digest replaces the old), agents it no longer lists are kept and marked deleted, and the user tokens are
/// replaced by the file's. Only SHA-256 digests of tokens are written.
/// </summary>
internal static class WorkspaceSync
{
    private const string UpsertAgent =
        """
        INSERT INTO agents (name, token_digest, deleted, created_at, deleted_at) VALUES (@name, @digest, 0, @now, NULL)
        ON CONFLICT (name) DO UPDATE SET token_digest = excluded.token_digest, deleted = 0, deleted_at = NULL
        """;

    /// <summary>Applies <paramref name="workspace"/>; returns how many agents it lists and how many were marked deleted.</summary>
    public static async Task<(int Agents, int Deleted)> ApplyAsync(DbConnection connection, DbTransaction transaction, WorkspaceDefinition workspace, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var stamp = StoredText.Timestamp(now);
        var agents = (workspace.Agents ?? []).Where(agent => agent is not null && !string.IsNullOrEmpty(agent.Name)).ToList();
        var listed = agents.Select(agent => agent.Name).ToHashSet(StringComparer.Ordinal);
        await SqlCommands.ExecuteEachAsync(
            connection,
            transaction,
            UpsertAgent,
            agents,
            ["@name", "@digest"],
            agent => [agent.Name, StoredText.AgentTokenDigest(agent.Token ?? string.Empty)],
            cancellationToken,
            ("@now", stamp)).ConfigureAwait(false);

        var gone = new List<string>();
        await using (var current = SqlCommands.Create(connection, transaction, "SELECT name FROM agents WHERE deleted = 0"))
        {
            await using var reader = await current.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var name = reader.GetString(0);
                if (!listed.Contains(name))
                    gone.Add(name);
            }
        }

        foreach (var name in gone)
            await SqlCommands.ExecuteAsync(connection, transaction, "UPDATE agents SET deleted = 1, deleted_at = @now WHERE name = @name", cancellationToken, ("@now", stamp), ("@name", name)).ConfigureAwait(false);

        await SqlCommands.ExecuteAsync(connection, transaction, "DELETE FROM user_tokens", cancellationToken).ConfigureAwait(false);
        foreach (var digest in (workspace.UserTokens ?? []).Where(token => !string.IsNullOrEmpty(token)).Select(StoredText.Digest).Distinct(StringComparer.Ordinal))
            await SqlCommands.ExecuteAsync(connection, transaction, "INSERT INTO user_tokens (token_digest, created_at) VALUES (@digest, @now)", cancellationToken, ("@digest", digest), ("@now", stamp)).ConfigureAwait(false);
        return (listed.Count, gone.Count);
    }
}
