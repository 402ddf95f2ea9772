namespace Agent.Runtime.ControlPlane;

/// <summary>
/// Where the dashboard's sign-ins are kept beyond this process (the database): every replica of the control plane
/// knows them, a sign-out on one ends the session on all, and a restart keeps them. Only digests are kept.
/// </summary>
public interface IBrowserSessionStore
{
    /// <summary>Keeps <paramref name="session"/>; forgets the expired ones, and the oldest beyond <paramref name="capacity"/>.</summary>
    Task SaveAsync(BrowserSessionRecord session, int capacity, CancellationToken cancellationToken);

    /// <summary>The session whose id has the digest <paramref name="idDigest"/>, or <c>null</c>.</summary>
    Task<BrowserSessionRecord?> FindAsync(string idDigest, CancellationToken cancellationToken);

    /// <summary>Forgets the session whose id has the digest <paramref name="idDigest"/>.</summary>
    Task DeleteAsync(string idDigest, CancellationToken cancellationToken);
}
