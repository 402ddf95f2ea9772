using System.Buffers.Binary;

namespace Agent.Runtime.Relay.Yamux;

/// <summary>The 12-byte yamux frame header: version, type, flags, stream id, length (network byte order).</summary>
internal readonly record struct YamuxFrameHeader(byte Version, YamuxFrameType Type, YamuxFlags Flags, uint StreamId, uint Length)
{
    public const int Size = 12;

    public const byte ProtocolVersion = 0;

    public static YamuxFrameHeader Parse(ReadOnlySpan<byte> source)
        => new(
            source[0],
            (YamuxFrameType)source[1],
            (YamuxFlags)BinaryPrimitives.ReadUInt16BigEndian(source[2..]),
            BinaryPrimitives.ReadUInt32BigEndian(source[4..]),
            BinaryPrimitives.ReadUInt32BigEndian(source[8..]));

    public static void Write(Span<byte> destination, YamuxFrameType type, YamuxFlags flags, uint streamId, uint length)
    {
        destination[0] = ProtocolVersion;
        destination[1] = (byte)type;
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)flags);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], streamId);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], length);
    }
}
