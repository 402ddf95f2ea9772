using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Agent.Runtime.Ssh.Algorithms.Macs;

/// <summary>
/// <c>hmac-sha2-256</c> and <c>hmac-sha2-512</c> (RFC 6668) and OpenSSH's <c>-etm@openssh.com</c> variants: the MAC
/// of <c>uint32 sequence ‖ data</c>, where data is the plaintext packet (encrypt-and-MAC) or the length in clear and
/// the ciphertext (encrypt-then-MAC).
/// </summary>
internal sealed class HmacSha2Mac : IDisposable
{
    public const string Sha256Name = "hmac-sha2-256";
    public const string Sha512Name = "hmac-sha2-512";
    public const string Sha256EtmName = "hmac-sha2-256-etm@openssh.com";
    public const string Sha512EtmName = "hmac-sha2-512-etm@openssh.com";

    private readonly IncrementalHash _hmac;

    public HmacSha2Mac(string name, ReadOnlySpan<byte> key)
    {
        (var hash, Length, EncryptThenMac) = Describe(name);
        if (key.Length != Length)
            throw new ArgumentException($"{name} needs a {Length} byte key", nameof(key));
        _hmac = IncrementalHash.CreateHMAC(hash, key);
    }

    /// <summary>The MAC's length, which is also its key length.</summary>
    public int Length { get; }

    /// <summary>True for the <c>-etm@openssh.com</c> names.</summary>
    public bool EncryptThenMac { get; }

    /// <summary>The key (and MAC) length of <paramref name="name"/>; throws for a name this class does not serve.</summary>
    public static int KeyLength(string name) => Describe(name).Length;

    public void Compute(uint sequence, ReadOnlySpan<byte> data, Span<byte> mac)
    {
        Span<byte> number = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(number, sequence);
        _hmac.AppendData(number);
        _hmac.AppendData(data);
        _hmac.GetHashAndReset(mac);
    }

    /// <summary>Compares in constant time.</summary>
    public bool Verify(uint sequence, ReadOnlySpan<byte> data, ReadOnlySpan<byte> mac)
    {
        Span<byte> expected = stackalloc byte[64];
        Compute(sequence, data, expected[..Length]);
        return CryptographicOperations.FixedTimeEquals(expected[..Length], mac);
    }

    public void Dispose() => _hmac.Dispose();

    private static (HashAlgorithmName Hash, int Length, bool Etm) Describe(string name) => name switch
    {
        Sha256Name => (HashAlgorithmName.SHA256, 32, false),
        Sha512Name => (HashAlgorithmName.SHA512, 64, false),
        Sha256EtmName => (HashAlgorithmName.SHA256, 32, true),
        Sha512EtmName => (HashAlgorithmName.SHA512, 64, true),
        _ => throw new ArgumentException($"unsupported MAC {name}", nameof(name)),
    };
}
