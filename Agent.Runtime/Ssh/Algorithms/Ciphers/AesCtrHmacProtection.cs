using System.Buffers.Binary;
using Agent.Runtime.Ssh.Algorithms.Macs;
using Agent.Runtime.Ssh.Wire;

namespace Agent.Runtime.Ssh.Algorithms.Ciphers;

/// <summary>
/// AES-CTR with an HMAC: encrypt-and-MAC (the whole packet encrypted, the MAC over the plaintext) or, for the
/// <c>-etm@openssh.com</c> MACs, encrypt-then-MAC (the length in clear, the MAC over the length and the
/// ciphertext, checked before decrypting).
/// </summary>
internal sealed class AesCtrHmacProtection : IPacketProtection
{
    private readonly AesCtrCipher _cipher;
    private readonly HmacSha2Mac _mac;

    public AesCtrHmacProtection(AesCtrCipher cipher, HmacSha2Mac mac)
    {
        _cipher = cipher;
        _mac = mac;
    }

    public int BlockSize => AesCtrCipher.BlockLength;

    public int TagLength => _mac.Length;

    public bool AlignsLengthField => !_mac.EncryptThenMac;

    public int LengthPrefixSize => _mac.EncryptThenMac ? 4 : AesCtrCipher.BlockLength;

    public uint ReadLength(uint sequence, Span<byte> prefix)
    {
        if (!_mac.EncryptThenMac)
            _cipher.Transform(prefix[..AesCtrCipher.BlockLength]);
        return BinaryPrimitives.ReadUInt32BigEndian(prefix);
    }

    public void Open(uint sequence, Span<byte> packet, ReadOnlySpan<byte> tag)
    {
        if (_mac.EncryptThenMac)
        {
            if (!_mac.Verify(sequence, packet, tag))
                throw new SshProtocolException(DisconnectReason.MacError, "packet authentication failed (" + (_mac.Length * 8) + "-bit HMAC, encrypt-then-MAC)");
            _cipher.Transform(packet[4..]);
            return;
        }

        _cipher.Transform(packet[AesCtrCipher.BlockLength..]);
        if (!_mac.Verify(sequence, packet, tag))
            throw new SshProtocolException(DisconnectReason.MacError, "packet authentication failed (" + (_mac.Length * 8) + "-bit HMAC)");
    }

    public void Seal(uint sequence, Span<byte> packet, Span<byte> tag)
    {
        if (_mac.EncryptThenMac)
        {
            _cipher.Transform(packet[4..]);
            _mac.Compute(sequence, packet, tag);
            return;
        }

        _mac.Compute(sequence, packet, tag);
        _cipher.Transform(packet);
    }

    public void Dispose()
    {
        _cipher.Dispose();
        _mac.Dispose();
    }
}
