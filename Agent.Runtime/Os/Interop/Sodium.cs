using System.Runtime.InteropServices;

namespace Agent.Runtime.Os.Interop;

/// <summary>The few libsodium functions the chacha20-poly1305@openssh.com cipher needs (DJB ChaCha20, Poly1305).</summary>
internal static unsafe partial class Sodium
{
    private const string Library = "libsodium";

    static Sodium()
    {
        if (Init() < 0)
            throw new InvalidOperationException("libsodium could not be initialised");
    }

    /// <summary>XORs <paramref name="data"/> in place with the ChaCha20 stream for the 8-byte nonce, from block <paramref name="counter"/>.</summary>
    public static void ChaCha20Xor(Span<byte> data, ReadOnlySpan<byte> nonce, ulong counter, ReadOnlySpan<byte> key)
    {
        if (nonce.Length != 8 || key.Length != 32)
            throw new ArgumentException("ChaCha20 needs an 8-byte nonce and a 32-byte key");
        fixed (byte* d = data)
        {
            fixed (byte* n = nonce)
            {
                fixed (byte* k = key)
                {
                    if (StreamXor(d, d, (ulong)data.Length, n, counter, k) != 0)
                        throw new InvalidOperationException("crypto_stream_chacha20_xor_ic failed");
                }
            }
        }
    }

    /// <summary>The Poly1305 tag of <paramref name="data"/> under the one-time <paramref name="key"/>.</summary>
    public static void Poly1305(Span<byte> tag, ReadOnlySpan<byte> data, ReadOnlySpan<byte> key)
    {
        if (tag.Length != 16 || key.Length != 32)
            throw new ArgumentException("Poly1305 needs a 16-byte tag and a 32-byte key");
        fixed (byte* t = tag)
        {
            fixed (byte* d = data)
            {
                fixed (byte* k = key)
                {
                    if (OneTimeAuth(t, d, (ulong)data.Length, k) != 0)
                        throw new InvalidOperationException("crypto_onetimeauth_poly1305 failed");
                }
            }
        }
    }

    /// <summary>Checks a Poly1305 tag in constant time.</summary>
    public static bool Poly1305Verify(ReadOnlySpan<byte> tag, ReadOnlySpan<byte> data, ReadOnlySpan<byte> key)
    {
        if (tag.Length != 16 || key.Length != 32)
            return false;
        fixed (byte* t = tag)
        {
            fixed (byte* d = data)
            {
                fixed (byte* k = key)
                    return OneTimeAuthVerify(t, d, (ulong)data.Length, k) == 0;
            }
        }
    }

    [LibraryImport(Library, EntryPoint = "sodium_init")]
    private static partial int Init();

    [LibraryImport(Library, EntryPoint = "crypto_stream_chacha20_xor_ic")]
    private static partial int StreamXor(byte* output, byte* input, ulong length, byte* nonce, ulong counter, byte* key);

    [LibraryImport(Library, EntryPoint = "crypto_onetimeauth_poly1305")]
    private static partial int OneTimeAuth(byte* output, byte* input, ulong length, byte* key);

    [LibraryImport(Library, EntryPoint = "crypto_onetimeauth_poly1305_verify")]
    private static partial int OneTimeAuthVerify(byte* tag, byte* input, ulong length, byte* key);
}
