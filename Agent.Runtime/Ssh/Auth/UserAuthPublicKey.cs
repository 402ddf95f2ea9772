namespace Agent.Runtime.Ssh.Auth;

/// <summary>The fields of a <c>publickey</c> request: algorithm, key blob and the signature when present.</summary>
internal readonly record struct UserAuthPublicKey(string Algorithm, ReadOnlyMemory<byte> Blob, ReadOnlyMemory<byte>? Signature);
