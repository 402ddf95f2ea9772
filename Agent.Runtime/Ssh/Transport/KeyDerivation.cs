using System.Security.Cryptography;
using Agent.Runtime.Ssh.Wire;

namespace Agent.Runtime.Ssh.Transport;

/// <summary>The exchange hash and the key derivation of RFC 4253 sections 7.2 and 8 (RFC 5656 / 8731 form).</summary>
internal static class KeyDerivation
{
    /// <summary>
    /// H = HASH(string V_C ‖ string V_S ‖ string I_C ‖ string I_S ‖ string K_S ‖ string Q_C ‖ string Q_S ‖ K), where
    /// <paramref name="encodedSecret"/> is K already encoded (mpint or string).
    /// </summary>
    public static byte[] ExchangeHash(
        HashAlgorithmName hash,
        string clientVersion,
        string serverVersion,
        ReadOnlySpan<byte> clientKexInit,
        ReadOnlySpan<byte> serverKexInit,
        ReadOnlySpan<byte> hostKey,
        ReadOnlySpan<byte> clientValue,
        ReadOnlySpan<byte> serverValue,
        ReadOnlySpan<byte> encodedSecret)
    {
        var writer = new SshWriter(4096)
            .WriteString(clientVersion).WriteString(serverVersion)
            .WriteBinary(clientKexInit).WriteBinary(serverKexInit)
            .WriteBinary(hostKey).WriteBinary(clientValue).WriteBinary(serverValue)
            .WriteRaw(encodedSecret);
        return CryptographicOperations.HashData(hash, writer.Written.Span);
    }

    /// <summary>
    /// HASH(K ‖ H ‖ letter ‖ session_id), extended with HASH(K ‖ H ‖ K1 ‖ ... ) until <paramref name="length"/>
    /// bytes. Letters: A/B the IVs (client to server / server to client), C/D the keys, E/F the MAC keys.
    /// </summary>
    public static byte[] Derive(HashAlgorithmName hash, ReadOnlySpan<byte> encodedSecret, ReadOnlySpan<byte> exchangeHash, char letter, ReadOnlySpan<byte> sessionId, int length)
    {
        if (length == 0)
            return [];
        using var digest = IncrementalHash.CreateHash(hash);
        var size = digest.HashLengthInBytes;
        var output = new byte[(length + size - 1) / size * size];
        digest.AppendData(encodedSecret);
        digest.AppendData(exchangeHash);
        digest.AppendData([(byte)letter]);
        digest.AppendData(sessionId);
        digest.GetHashAndReset(output.AsSpan(0, size));
        for (var have = size; have < length; have += size)
        {
            digest.AppendData(encodedSecret);
            digest.AppendData(exchangeHash);
            digest.AppendData(output.AsSpan(0, have));
            digest.GetHashAndReset(output.AsSpan(have, size));
        }

        return output.AsSpan(0, length).ToArray();
    }
}
