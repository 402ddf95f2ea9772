using System.Buffers.Binary;

namespace Agent.Runtime.Ssh.Algorithms.Ciphers;

/// <summary>The <c>none</c> cipher and MAC of the first key exchange.</summary>
internal sealed class PlaintextProtection : IPacketProtection
{
    public int BlockSize => 8;

    public int TagLength => 0;

    public bool AlignsLengthField => true;

    public int LengthPrefixSize => 4;

    public uint ReadLength(uint sequence, Span<byte> prefix) => BinaryPrimitives.ReadUInt32BigEndian(prefix);

    public void Open(uint sequence, Span<byte> packet, ReadOnlySpan<byte> tag)
    {
    }

    public void Seal(uint sequence, Span<byte> packet, Span<byte> tag)
    {
    }

    public void Dispose()
    {
    }
}
