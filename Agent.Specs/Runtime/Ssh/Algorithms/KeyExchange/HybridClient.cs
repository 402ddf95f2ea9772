using System.Security.Cryptography;
using Org.BouncyCastle.Math.EC.Rfc7748;

namespace Agent.Specs.Runtime.Ssh.Algorithms.KeyExchange;

/// <summary>The client's X25519 half and the K encoding of the hybrids, written independently of the server code.</summary>
internal static class HybridClient
{
    public static (byte[] Private, byte[] Public) X25519KeyPair()
    {
        var privateKey = RandomNumberGenerator.GetBytes(32);
        var publicKey = new byte[32];
        X25519.ScalarMultBase(privateKey, publicKey);
        return (privateKey, publicKey);
    }

    public static byte[] X25519Secret(byte[] privateKey, ReadOnlySpan<byte> serverPublic)
    {
        var secret = new byte[32];
        Assert.True(X25519.CalculateAgreement(privateKey, serverPublic, secret));
        return secret;
    }

    public static byte[] K(Func<byte[], byte[]> hash, byte[] kemSecret, byte[] ecdhSecret)
    {
        var digest = hash([.. kemSecret, .. ecdhSecret]);
        var length = new byte[] { 0, 0, 0, (byte)digest.Length };
        return [.. length, .. digest];
    }
}
