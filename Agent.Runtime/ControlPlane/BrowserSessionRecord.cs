namespace Agent.Runtime.ControlPlane;

/// <summary>A kept sign-in: the SHA-256 (lower-case hex) of its id and of the user token it was made from, and when it ends.</summary>
public sealed record BrowserSessionRecord(string IdDigest, string UserTokenDigest, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt);
