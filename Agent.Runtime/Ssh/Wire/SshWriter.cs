using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace Agent.Runtime.Ssh.Wire;

/// <summary>Writes the data types of RFC 4251 section 5 into a growing buffer.</summary>
public sealed class SshWriter
{
    private readonly ArrayBufferWriter<byte> _buffer;

    public SshWriter(int initialCapacity = 256)
    {
        _buffer = new ArrayBufferWriter<byte>(initialCapacity);
    }

    public int Length => _buffer.WrittenCount;

    public ReadOnlyMemory<byte> Written => _buffer.WrittenMemory;

    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();

    public SshWriter Write(MessageNumber number) => WriteByte((byte)number);

    public SshWriter WriteByte(byte value)
    {
        _buffer.GetSpan(1)[0] = value;
        _buffer.Advance(1);
        return this;
    }

    public SshWriter WriteBoolean(bool value) => WriteByte(value ? (byte)1 : (byte)0);

    public SshWriter WriteUInt32(uint value)
    {
        BinaryPrimitives.WriteUInt32BigEndian(_buffer.GetSpan(4), value);
        _buffer.Advance(4);
        return this;
    }

    public SshWriter WriteUInt64(ulong value)
    {
        BinaryPrimitives.WriteUInt64BigEndian(_buffer.GetSpan(8), value);
        _buffer.Advance(8);
        return this;
    }

    /// <summary>A <c>string</c> of raw bytes.</summary>
    public SshWriter WriteBinary(ReadOnlySpan<byte> value)
    {
        WriteUInt32((uint)value.Length);
        return WriteRaw(value);
    }

    /// <summary>A <c>string</c> of UTF-8 text.</summary>
    public SshWriter WriteString(string value)
    {
        var count = Encoding.UTF8.GetByteCount(value);
        WriteUInt32((uint)count);
        Encoding.UTF8.GetBytes(value, _buffer.GetSpan(count));
        _buffer.Advance(count);
        return this;
    }

    /// <summary>A <c>name-list</c>.</summary>
    public SshWriter WriteNameList(IEnumerable<string> names) => WriteString(string.Join(',', names));

    /// <summary>An <c>mpint</c> (minimal two's complement, big-endian; zero is the empty string).</summary>
    public SshWriter WriteMpint(BigInteger value)
        => WriteBinary(value.IsZero ? [] : value.ToByteArray(isUnsigned: false, isBigEndian: true));

    /// <summary>An <c>mpint</c> from an unsigned big-endian magnitude (a shared secret, an RSA modulus).</summary>
    public SshWriter WriteMpint(ReadOnlySpan<byte> unsignedBigEndian)
    {
        var start = 0;
        while (start < unsignedBigEndian.Length && unsignedBigEndian[start] == 0)
            start++;
        var magnitude = unsignedBigEndian[start..];
        var pad = !magnitude.IsEmpty && (magnitude[0] & 0x80) != 0;
        WriteUInt32((uint)(magnitude.Length + (pad ? 1 : 0)));
        if (pad)
            WriteByte(0);
        return WriteRaw(magnitude);
    }

    /// <summary>Bytes as they are, with no length.</summary>
    public SshWriter WriteRaw(ReadOnlySpan<byte> value)
    {
        value.CopyTo(_buffer.GetSpan(value.Length));
        _buffer.Advance(value.Length);
        return this;
    }
}
