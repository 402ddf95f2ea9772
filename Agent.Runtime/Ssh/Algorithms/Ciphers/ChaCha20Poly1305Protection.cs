using System.Buffers.Binary;
using System.Security.Cryptography;
using Agent.Runtime.Ssh.Wire;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Macs;
using Org.BouncyCastle.Crypto.Parameters;

namespace Agent.Runtime.Ssh.Algorithms.Ciphers;

/// <summary>
/// <c>chacha20-poly1305@openssh.com</c> (OpenSSH's PROTOCOL.chacha20poly1305): 64 bytes of key material make two
/// ChaCha20 keys; the last 32 bytes (K_1 there) encrypt only the length, the first 32 (K_2) encrypt the rest from
/// block 1, and their block 0 is the Poly1305 key. The nonce is the sequence number (DJB ChaCha20, 64-bit nonce and
/// counter). The tag covers the encrypted length and the ciphertext and is checked before decrypting. BouncyCastle's
/// IETF engine (SIMD bulk path) runs it: its 96-bit nonce <c>0x00000000 ‖ sequence</c> puts the same words in the
/// state as the DJB layout, as long as the block counter stays below 2^32 (a packet is at most 4 100 blocks).
/// </summary>
internal sealed class ChaCha20Poly1305Protection : IPacketProtection
{
    public const string Name = "chacha20-poly1305@openssh.com";
    public const int KeyLength = 64;

    private readonly KeyParameter _lengthKey;
    private readonly KeyParameter _mainKey;
    private readonly ChaCha7539Engine _lengthCipher = new();
    private readonly ChaCha7539Engine _mainCipher = new();
    private readonly Poly1305 _poly = new();
    private readonly byte[] _nonce = new byte[12];
    private readonly byte[] _block0 = new byte[64];

    public ChaCha20Poly1305Protection(ReadOnlySpan<byte> key)
    {
        if (key.Length != KeyLength)
            throw new ArgumentException($"{Name} needs {KeyLength} bytes of key", nameof(key));
        _mainKey = new KeyParameter(key[..32]);
        _lengthKey = new KeyParameter(key[32..]);
    }

    public int BlockSize => 8;

    public int TagLength => 16;

    public bool AlignsLengthField => false;

    public int LengthPrefixSize => 4;

    public uint ReadLength(uint sequence, Span<byte> prefix)
    {
        SetNonce(sequence);
        _lengthCipher.Init(false, new ParametersWithIV(_lengthKey, _nonce));
        Span<byte> clear = stackalloc byte[4];
        _lengthCipher.ProcessBytes(prefix[..4], clear);
        return BinaryPrimitives.ReadUInt32BigEndian(clear);
    }

    public void Open(uint sequence, Span<byte> packet, ReadOnlySpan<byte> tag)
    {
        StartMain(sequence, forEncryption: false);
        Span<byte> expected = stackalloc byte[16];
        _poly.BlockUpdate(packet);
        _poly.DoFinal(expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, tag))
            throw new SshProtocolException(DisconnectReason.MacError, "packet authentication failed (chacha20-poly1305)");
        _mainCipher.ProcessBytes(packet[4..], packet[4..]);
    }

    public void Seal(uint sequence, Span<byte> packet, Span<byte> tag)
    {
        SetNonce(sequence);
        _lengthCipher.Init(true, new ParametersWithIV(_lengthKey, _nonce));
        _lengthCipher.ProcessBytes(packet[..4], packet[..4]);
        StartMain(sequence, forEncryption: true);
        _mainCipher.ProcessBytes(packet[4..], packet[4..]);
        _poly.BlockUpdate(packet);
        _poly.DoFinal(tag);
    }

    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(_block0);
    }

    private void StartMain(uint sequence, bool forEncryption)
    {
        SetNonce(sequence);
        _mainCipher.Init(forEncryption, new ParametersWithIV(_mainKey, _nonce));
        Array.Clear(_block0);
        _mainCipher.ProcessBytes(_block0, _block0);
        _poly.Init(new KeyParameter(_block0.AsSpan(0, 32)));
    }

    private void SetNonce(uint sequence) => BinaryPrimitives.WriteUInt64BigEndian(_nonce.AsSpan(4), sequence);
}
