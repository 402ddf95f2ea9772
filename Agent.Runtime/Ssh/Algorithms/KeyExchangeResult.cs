namespace Agent.Runtime.Ssh.Algorithms;

/// <summary>The outcome of <see cref="IKeyExchangeMethod.Respond"/>.</summary>
/// <param name="ServerValue">Q_S (or the KEM ciphertext and the server's X25519 key for hybrids), sent as a string.</param>
/// <param name="EncodedSharedSecret">
/// K exactly as it enters the exchange hash and the key derivation, length prefix included: an <c>mpint</c> for
/// ECDH and curve25519 (RFC 5656, RFC 8731), a <c>string</c> for the post-quantum hybrids.
/// </param>
public sealed record KeyExchangeResult(byte[] ServerValue, byte[] EncodedSharedSecret);
