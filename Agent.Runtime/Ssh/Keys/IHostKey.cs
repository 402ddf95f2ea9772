namespace Agent.Runtime.Ssh.Keys;

/// <summary>A host key the server proves it holds by signing the exchange hash.</summary>
public interface IHostKey
{
    /// <summary>The key type, e.g. <c>ssh-ed25519</c>, <c>ecdsa-sha2-nistp256</c>, <c>ssh-rsa</c>.</summary>
    string KeyType { get; }

    /// <summary>The host-key algorithms this key serves in KEXINIT (RSA: <c>rsa-sha2-512</c>, <c>rsa-sha2-256</c>).</summary>
    IReadOnlyList<string> SignatureAlgorithms { get; }

    /// <summary>The public key blob (RFC 4253 section 6.6), as sent in SSH_MSG_KEX_ECDH_REPLY.</summary>
    ReadOnlyMemory<byte> PublicKeyBlob { get; }

    /// <summary>OpenSSH's fingerprint: <c>SHA256:</c> and the unpadded base64 of the blob's SHA-256.</summary>
    string Fingerprint { get; }

    /// <summary>Signs <paramref name="data"/> and returns the signature blob (<c>string</c> algorithm, <c>string</c> signature).</summary>
    byte[] Sign(string signatureAlgorithm, ReadOnlySpan<byte> data);
}
