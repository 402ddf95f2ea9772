using System.Security.Cryptography;

namespace Agent.Runtime.Ssh.Algorithms;

/// <summary>
/// The server side of one ephemeral key exchange (curve25519-sha256, ecdh-sha2-nistp256, sntrup761x25519-sha512,
/// mlkem768x25519-sha256...): the client's SSH_MSG_KEX_ECDH_INIT value in, the server's reply value and the shared
/// secret out. A new instance is used for every exchange.
/// </summary>
public interface IKeyExchangeMethod
{
    /// <summary>The name negotiated in KEXINIT.</summary>
    string Name { get; }

    /// <summary>The hash of the exchange hash and key derivation (SHA-256, SHA-384 or SHA-512).</summary>
    HashAlgorithmName Hash { get; }

    /// <summary>
    /// Computes the server's ephemeral value (Q_S, or the KEM ciphertext for hybrids) and the shared secret K from
    /// the client's value (Q_C). Throws <see cref="Wire.SshProtocolException"/> when the client's value is invalid
    /// (wrong length, not on the curve, all-zero secret).
    /// </summary>
    KeyExchangeResult Respond(ReadOnlySpan<byte> clientValue);
}
