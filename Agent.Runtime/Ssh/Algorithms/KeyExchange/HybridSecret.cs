using System.Security.Cryptography;
using Agent.Runtime.Ssh.Wire;

namespace Agent.Runtime.Ssh.Algorithms.KeyExchange;

/// <summary>K of the post-quantum hybrids: the <c>string</c> of HASH(KEM secret ‖ X25519 secret), as OpenSSH computes it.</summary>
internal static class HybridSecret
{
    /// <summary>Hashes, encodes, and clears both secrets.</summary>
    public static byte[] Encode(HashAlgorithmName hash, byte[] kemSecret, byte[] ecdhSecret)
    {
        var joined = new byte[kemSecret.Length + ecdhSecret.Length];
        try
        {
            kemSecret.CopyTo(joined, 0);
            ecdhSecret.CopyTo(joined, kemSecret.Length);
            var digest = hash == HashAlgorithmName.SHA512 ? SHA512.HashData(joined) : SHA256.HashData(joined);
            var encoded = new SshWriter(digest.Length + 4).WriteBinary(digest).ToArray();
            CryptographicOperations.ZeroMemory(digest);
            return encoded;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(joined);
            CryptographicOperations.ZeroMemory(kemSecret);
            CryptographicOperations.ZeroMemory(ecdhSecret);
        }
    }
}
