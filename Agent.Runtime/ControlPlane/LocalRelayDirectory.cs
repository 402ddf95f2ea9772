namespace Agent.Runtime.ControlPlane;

/// <summary>A control plane without peers: every relay is held here or nowhere, and no request comes from a replica.</summary>
public sealed class LocalRelayDirectory : IRelayDirectory
{
    public static readonly LocalRelayDirectory Instance = new();

    private LocalRelayDirectory()
    {
    }

    public ReplicaCredentials? Self => null;

    public Task ClaimAsync(string agent, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task ReleaseAsync(string agent, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<RelayOwner?> OwnerAsync(string agent, CancellationToken cancellationToken) => Task.FromResult<RelayOwner?>(null);

    public Task<bool> IsPeerAsync(Guid replica, string token, CancellationToken cancellationToken) => Task.FromResult(false);
}
