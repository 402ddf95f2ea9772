using Agent.Runtime.Ssh.Algorithms.Macs;

namespace Agent.Runtime.Ssh.Algorithms.Ciphers;

/// <summary>The cipher and MAC names we offer, their key sizes, and the protection built from derived keys.</summary>
internal static class PacketProtectionFactory
{
    /// <summary>Our cipher preference (the client's order decides; this is what we offer).</summary>
    public static readonly IReadOnlyList<string> Ciphers =
    [
        ChaCha20Poly1305Protection.Name,
        AesGcmProtection.Aes128Name,
        AesGcmProtection.Aes256Name,
        AesCtrCipher.Aes128Name,
        AesCtrCipher.Aes256Name,
    ];

    /// <summary>Our MACs (used with the CTR ciphers only; the AEAD ciphers carry their own tag).</summary>
    public static readonly IReadOnlyList<string> Macs =
    [
        HmacSha2Mac.Sha256EtmName,
        HmacSha2Mac.Sha512EtmName,
        HmacSha2Mac.Sha256Name,
        HmacSha2Mac.Sha512Name,
    ];

    /// <summary>True when the cipher authenticates by itself, so no MAC is negotiated for it.</summary>
    public static bool IsAead(string cipher) => cipher is ChaCha20Poly1305Protection.Name or AesGcmProtection.Aes128Name or AesGcmProtection.Aes256Name;

    public static int KeyLength(string cipher) => cipher switch
    {
        ChaCha20Poly1305Protection.Name => ChaCha20Poly1305Protection.KeyLength,
        AesGcmProtection.Aes128Name or AesCtrCipher.Aes128Name => 16,
        AesGcmProtection.Aes256Name or AesCtrCipher.Aes256Name => 32,
        _ => throw new ArgumentException($"unsupported cipher {cipher}", nameof(cipher)),
    };

    public static int IvLength(string cipher) => cipher switch
    {
        ChaCha20Poly1305Protection.Name => 0,
        AesGcmProtection.Aes128Name or AesGcmProtection.Aes256Name => AesGcmProtection.IvLength,
        AesCtrCipher.Aes128Name or AesCtrCipher.Aes256Name => AesCtrCipher.BlockLength,
        _ => throw new ArgumentException($"unsupported cipher {cipher}", nameof(cipher)),
    };

    /// <summary>The MAC key length for <paramref name="mac"/> with <paramref name="cipher"/> (0 for AEAD ciphers).</summary>
    public static int MacKeyLength(string cipher, string? mac) => IsAead(cipher) || mac is null ? 0 : HmacSha2Mac.KeyLength(mac);

    /// <summary>Builds one direction's protection; <paramref name="mac"/> is ignored for AEAD ciphers.</summary>
    public static IPacketProtection Create(string cipher, string? mac, ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> macKey)
    {
        switch (cipher)
        {
            case ChaCha20Poly1305Protection.Name:
                return new ChaCha20Poly1305Protection(key);
            case AesGcmProtection.Aes128Name or AesGcmProtection.Aes256Name:
                return new AesGcmProtection(key, iv);
            case AesCtrCipher.Aes128Name or AesCtrCipher.Aes256Name:
                if (mac is null)
                    throw new ArgumentException($"{cipher} needs a MAC", nameof(mac));
                var ctr = new AesCtrCipher(key, iv);
                try
                {
                    return new AesCtrHmacProtection(ctr, new HmacSha2Mac(mac, macKey));
                }
                catch
                {
                    ctr.Dispose();
                    throw;
                }

            default:
                throw new ArgumentException($"unsupported cipher {cipher}", nameof(cipher));
        }
    }
}
