using System.Security.Cryptography;
using Agent.Runtime.Ssh.Wire;
using Org.BouncyCastle.Math.EC.Rfc7748;

namespace Agent.Runtime.Ssh.Algorithms.KeyExchange;

/// <summary>
/// The server's half of an X25519 exchange (RFC 7748), shared by curve25519-sha256 and the hybrids: a fresh
/// private scalar per call, the peer's 32-byte key checked for length, and an all-zero shared secret (a low-order
/// peer point) refused as RFC 8731 section 3 requires.
/// </summary>
internal static class X25519Exchange
{
    public const int KeySize = 32;

    /// <summary>Writes the server's public key into <paramref name="serverPublic"/> and returns the raw 32-byte shared secret.</summary>
    public static byte[] Agree(ReadOnlySpan<byte> clientPublic, Span<byte> serverPublic)
    {
        Span<byte> privateKey = stackalloc byte[KeySize];
        RandomNumberGenerator.Fill(privateKey);
        try
        {
            return Agree(clientPublic, serverPublic, privateKey);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(privateKey);
        }
    }

    /// <summary>As <see cref="Agree(ReadOnlySpan{byte}, Span{byte})"/> with a given private scalar (known-answer specs).</summary>
    public static byte[] Agree(ReadOnlySpan<byte> clientPublic, Span<byte> serverPublic, ReadOnlySpan<byte> privateKey)
    {
        if (clientPublic.Length != KeySize)
            throw new SshProtocolException(DisconnectReason.KeyExchangeFailed, $"the client's X25519 key is {clientPublic.Length} bytes, not {KeySize}");
        if (serverPublic.Length != KeySize)
            throw new ArgumentException($"the server key buffer must be {KeySize} bytes", nameof(serverPublic));
        if (privateKey.Length != KeySize)
            throw new ArgumentException($"an X25519 private key is {KeySize} bytes", nameof(privateKey));

        X25519.ScalarMultBase(privateKey, serverPublic);
        var secret = new byte[KeySize];
        X25519.ScalarMult(privateKey, clientPublic, secret);
        if (CryptographicOperations.FixedTimeEquals(secret, stackalloc byte[KeySize]))
            throw new SshProtocolException(DisconnectReason.KeyExchangeFailed, "the X25519 shared secret is all zeros (a low-order client key)");
        return secret;
    }
}
