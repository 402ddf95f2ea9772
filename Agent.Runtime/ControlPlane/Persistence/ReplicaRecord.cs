namespace Agent.Runtime.ControlPlane.Persistence;

/// <summary>A replica as the database knows it.</summary>
/// <param name="Id">Its id.</param>
/// <param name="Address">Where its peers reach it.</param>
/// <param name="TokenDigest">The SHA-256 (lowercase hex) of the secret it shows its peers.</param>
/// <param name="HeartbeatAt">When it last said it was alive.</param>
public sealed record ReplicaRecord(Guid Id, Uri Address, string TokenDigest, DateTimeOffset HeartbeatAt);
