namespace Agent.Runtime.Ssh.Auth;

/// <summary>
/// Checks a public-key authentication signature: <paramref name="signature"/> (the SSH signature blob:
/// <c>string</c> algorithm, <c>string</c> signature) over <paramref name="signedData"/> made with the key
/// <paramref name="publicKey"/> (the SSH public key blob), which the client named <paramref name="algorithm"/>
/// (e.g. <c>rsa-sha2-512</c> for an <c>ssh-rsa</c> key). False for anything invalid or unsupported.
/// </summary>
public delegate bool SshSignatureVerifier(ReadOnlyMemory<byte> publicKey, string algorithm, ReadOnlyMemory<byte> signedData, ReadOnlyMemory<byte> signature);
