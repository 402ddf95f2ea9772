using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace Agent.Runtime.Ssh.Wire;

/// <summary>
/// Reads the data types of RFC 4251 section 5 from a message. Every read is bounds-checked: a field that runs
/// past the end throws <see cref="SshProtocolException"/>, never an index exception.
/// </summary>
public ref struct SshReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    public SshReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _position = 0;
    }

    public readonly int Remaining => _data.Length - _position;

    public readonly bool AtEnd => _position == _data.Length;

    public byte ReadByte() => Take(1)[0];

    public bool ReadBoolean() => ReadByte() != 0;

    public uint ReadUInt32() => BinaryPrimitives.ReadUInt32BigEndian(Take(4));

    public ulong ReadUInt64() => BinaryPrimitives.ReadUInt64BigEndian(Take(8));

    public MessageNumber ReadMessageNumber() => (MessageNumber)ReadByte();

    /// <summary>A <c>string</c> as raw bytes (a view into the message, valid as long as it is).</summary>
    public ReadOnlySpan<byte> ReadBinary()
    {
        var length = ReadUInt32();
        if (length > (uint)Remaining)
            throw new SshProtocolException($"a string of {length} bytes runs past the end of the message ({Remaining} left)");
        return Take((int)length);
    }

    /// <summary>A <c>string</c> decoded as UTF-8 (invalid sequences are an error).</summary>
    public string ReadString()
    {
        var bytes = ReadBinary();
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            throw new SshProtocolException("a string is not valid UTF-8", e);
        }
    }

    /// <summary>A <c>name-list</c>: comma-separated ASCII names.</summary>
    public string[] ReadNameList()
    {
        var text = ReadString();
        return text.Length == 0 ? [] : text.Split(',');
    }

    /// <summary>An <c>mpint</c> (two's complement, big-endian).</summary>
    public BigInteger ReadMpint()
    {
        var bytes = ReadBinary();
        return bytes.IsEmpty ? BigInteger.Zero : new BigInteger(bytes, isUnsigned: false, isBigEndian: true);
    }

    /// <summary>The rest of the message.</summary>
    public ReadOnlySpan<byte> ReadRest() => Take(Remaining);

    /// <summary>Throws unless the whole message was read (trailing bytes are a protocol error).</summary>
    public readonly void EnsureEnd(string what)
    {
        if (!AtEnd)
            throw new SshProtocolException($"{Remaining} unexpected bytes after {what}");
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count > Remaining)
            throw new SshProtocolException($"the message ends {count - Remaining} bytes too early");
        var span = _data.Slice(_position, count);
        _position += count;
        return span;
    }
}
