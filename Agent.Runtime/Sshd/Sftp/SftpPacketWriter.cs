using System.Buffers.Binary;
using System.Text;

namespace Agent.Runtime.Sshd.Sftp;

/// <summary>
/// Builds SFTP packets (uint32 length, byte type, payload) one after another into one growing buffer, so a batch
/// of replies goes out in one write. <see cref="Begin(SftpPacketType)"/> reserves the length that
/// <see cref="End"/> fills in.
/// </summary>
public sealed class SftpPacketWriter
{
    private byte[] _buffer;
    private int _length;
    private int _packetStart = -1;

    public SftpPacketWriter(int initialCapacity = 64 * 1024) => _buffer = new byte[Math.Max(initialCapacity, 64)];

    public int Length => _length;

    public ReadOnlyMemory<byte> Written => _buffer.AsMemory(0, _length);

    public void Clear()
    {
        _length = 0;
        _packetStart = -1;
    }

    public void Begin(SftpPacketType type)
    {
        if (_packetStart >= 0)
            throw new InvalidOperationException("a packet is already being written");
        _packetStart = _length;
        Ensure(5);
        _length += 4;
        _buffer[_length++] = (byte)type;
    }

    public void Begin(SftpPacketType type, uint id)
    {
        Begin(type);
        WriteUInt32(id);
    }

    /// <summary>Fills in the length of the packet begun last.</summary>
    public void End()
    {
        if (_packetStart < 0)
            throw new InvalidOperationException("no packet is being written");
        BinaryPrimitives.WriteUInt32BigEndian(_buffer.AsSpan(_packetStart), (uint)(_length - _packetStart - 4));
        _packetStart = -1;
    }

    /// <summary>Drops the packet begun last (a reply that turned into an error).</summary>
    public void Abandon()
    {
        if (_packetStart < 0)
            throw new InvalidOperationException("no packet is being written");
        _length = _packetStart;
        _packetStart = -1;
    }

    /// <summary>Overwrites four bytes written earlier at <paramref name="position"/> (a count known only later).</summary>
    public void PatchUInt32(int position, uint value)
    {
        if (position < 0 || position > _length - 4)
            throw new ArgumentOutOfRangeException(nameof(position));
        BinaryPrimitives.WriteUInt32BigEndian(_buffer.AsSpan(position), value);
    }

    public void WriteByte(byte value)
    {
        Ensure(1);
        _buffer[_length++] = value;
    }

    public void WriteUInt32(uint value)
    {
        Ensure(4);
        BinaryPrimitives.WriteUInt32BigEndian(_buffer.AsSpan(_length), value);
        _length += 4;
    }

    public void WriteUInt64(ulong value)
    {
        Ensure(8);
        BinaryPrimitives.WriteUInt64BigEndian(_buffer.AsSpan(_length), value);
        _length += 8;
    }

    public void WriteString(ReadOnlySpan<byte> value)
    {
        WriteUInt32((uint)value.Length);
        WriteRaw(value);
    }

    public void WriteString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var count = Encoding.UTF8.GetByteCount(value);
        WriteUInt32((uint)count);
        Ensure(count);
        _length += Encoding.UTF8.GetBytes(value, _buffer.AsSpan(_length));
    }

    public void WriteRaw(ReadOnlySpan<byte> value)
    {
        Ensure(value.Length);
        value.CopyTo(_buffer.AsSpan(_length));
        _length += value.Length;
    }

    /// <summary>Space for up to <paramref name="size"/> bytes written in place; <see cref="Advance"/> commits them.</summary>
    public Span<byte> GetSpan(int size)
    {
        Ensure(size);
        return _buffer.AsSpan(_length, size);
    }

    public void Advance(int count)
    {
        if (count < 0 || count > _buffer.Length - _length)
            throw new ArgumentOutOfRangeException(nameof(count));
        _length += count;
    }

    private void Ensure(int extra)
    {
        if (_buffer.Length - _length >= extra)
            return;
        var size = Math.Max(_buffer.Length * 2, _length + extra);
        Array.Resize(ref _buffer, size);
    }
}
