namespace Agent.Runtime.ControlPlane;

/// <summary>What a replica shows a peer: its id and its secret (never logged; <see cref="ToString"/> leaves it out).</summary>
/// <param name="Id">The replica's id in the directory.</param>
/// <param name="Token">Its secret; the peers know only its SHA-256.</param>
public sealed record ReplicaCredentials(Guid Id, string Token)
{
    /// <summary>The header that carries <see cref="Id"/>.</summary>
    public const string IdHeader = "Agent-Replica";

    /// <summary>The header that carries <see cref="Token"/>.</summary>
    public const string TokenHeader = "Agent-Replica-Token";

    /// <summary>The id, never the secret.</summary>
    public override string ToString() => $"replica {Id:D}";
}
