using System.Buffers.Binary;
using System.Security.Cryptography;
using Agent.Runtime.Ssh.Wire;

namespace Agent.Runtime.Ssh.Algorithms.Ciphers;

/// <summary>
/// <c>aes128-gcm@openssh.com</c> and <c>aes256-gcm@openssh.com</c> (RFC 5647 as OpenSSH implements it): the length
/// travels in clear as additional authenticated data; the 12-byte nonce is a 4-byte fixed field and a 64-bit
/// invocation counter, both from the derived IV, and the counter grows by one per packet.
/// </summary>
internal sealed class AesGcmProtection : IPacketProtection
{
    public const string Aes128Name = "aes128-gcm@openssh.com";
    public const string Aes256Name = "aes256-gcm@openssh.com";
    public const int IvLength = 12;

    private readonly AesGcm _gcm;
    private readonly byte[] _nonce = new byte[IvLength];
    private ulong _counter;

    public AesGcmProtection(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv)
    {
        if (key.Length is not (16 or 32))
            throw new ArgumentException("AES-GCM needs a 16 or 32 byte key", nameof(key));
        if (iv.Length != IvLength)
            throw new ArgumentException($"AES-GCM needs a {IvLength} byte IV", nameof(iv));
        _gcm = new AesGcm(key, 16);
        iv[..4].CopyTo(_nonce);
        _counter = BinaryPrimitives.ReadUInt64BigEndian(iv[4..]);
    }

    public int BlockSize => 16;

    public int TagLength => 16;

    public bool AlignsLengthField => false;

    public int LengthPrefixSize => 4;

    public uint ReadLength(uint sequence, Span<byte> prefix) => BinaryPrimitives.ReadUInt32BigEndian(prefix);

    public void Open(uint sequence, Span<byte> packet, ReadOnlySpan<byte> tag)
    {
        BinaryPrimitives.WriteUInt64BigEndian(_nonce.AsSpan(4), _counter);
        try
        {
            _gcm.Decrypt(_nonce, packet[4..], tag, packet[4..], packet[..4]);
        }
        catch (AuthenticationTagMismatchException)
        {
            throw new SshProtocolException(DisconnectReason.MacError, "packet authentication failed (aes-gcm)");
        }

        _counter++;
    }

    public void Seal(uint sequence, Span<byte> packet, Span<byte> tag)
    {
        BinaryPrimitives.WriteUInt64BigEndian(_nonce.AsSpan(4), _counter);
        _gcm.Encrypt(_nonce, packet[4..], packet[4..], tag, packet[..4]);
        _counter++;
    }

    public void Dispose() => _gcm.Dispose();
}
