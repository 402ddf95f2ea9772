using System.Security.Cryptography;

namespace Agent.Runtime.ControlPlane.Persistence;

/// <summary>
/// This control plane as a replica: an id made at start, the address its peers reach it at, and the secret it shows
/// them (only its SHA-256 digest is stored, so reading the database does not let anyone pose as a replica).
/// </summary>
/// <param name="Id">Made at start; a restarted process is a new replica.</param>
/// <param name="Address">Where the other replicas reach this one (<c>--replica-address</c>, default the bound address).</param>
/// <param name="Token">The secret this replica shows its peers; never stored, never logged.</param>
public sealed record ReplicaIdentity(Guid Id, Uri Address, string Token)
{
    /// <summary>What is stored of <see cref="Token"/>.</summary>
    public string TokenDigest => StoredText.Digest(Token);

    /// <summary>A new replica at <paramref name="address"/> with a fresh id and a 256-bit random secret.</summary>
    public static ReplicaIdentity Create(Uri address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return new(Guid.NewGuid(), address, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_'));
    }

    /// <summary>The id, the address and never the secret.</summary>
    public override string ToString() => $"replica {Id:D} at {Address}";
}
