using System.Buffers.Binary;

namespace Agent.Runtime.Relay.Yamux;

/// <summary>The 12-byte yamux frame header: version, type, flags, stream id, length (network byte order).</summary>
/// <remarks>
/// Wire layout, after hashicorp/yamux spec.md ("Framing"); every field big-endian:
/// <code>
///   offset size  field
///        0    1  version    always 0 (<see cref="ProtocolVersion"/>)
///        1    1  type       0 Data, 1 Window Update, 2 Ping, 3 Go Away (<see cref="YamuxFrameType"/>)
///        2    2  flags      0x1 SYN (opens a stream; a ping's request), 0x2 ACK (accepts a stream; a ping's answer),
///                           0x4 FIN (half-close), 0x8 RST (reset at once) (<see cref="YamuxFlags"/>)
///        4    4  stream id  odd: opened by the client, even: by the server, 0: the session (Ping, Go Away)
///        8    4  length     by type, below
/// </code>
/// What the length field means, by type (spec.md "Length Field"):
/// <list type="bullet">
/// <item>Data: the number of payload bytes that follow the header (counted against the stream's window; may be 0
/// when the frame only carries flags).</item>
/// <item>Window Update: the delta added to the sender's window for this stream (no payload follows). With SYN or
/// ACK it announces a window beyond the spec's initial 256 KiB.</item>
/// <item>Ping: an opaque value the peer echoes back with ACK (we number our pings with it; no payload).</item>
/// <item>Go Away: the error code, 0 normal termination, 1 protocol error, 2 internal error (<see cref="YamuxGoAwayCode"/>).</item>
/// </list>
/// Only Data frames have a payload; every other frame is the header alone.
/// </remarks>
internal readonly record struct YamuxFrameHeader(byte Version, YamuxFrameType Type, YamuxFlags Flags, uint StreamId, uint Length)
{
    public const int Size = 12;

    public const byte ProtocolVersion = 0;

    /// <summary>Reads a header from the first <see cref="Size"/> bytes of <paramref name="source"/> (layout above); no field is checked here.</summary>
    public static YamuxFrameHeader Parse(ReadOnlySpan<byte> source)
        => new(
            source[0], // version
            (YamuxFrameType)source[1], // type
            (YamuxFlags)BinaryPrimitives.ReadUInt16BigEndian(source[2..]), // flags
            BinaryPrimitives.ReadUInt32BigEndian(source[4..]), // stream id
            BinaryPrimitives.ReadUInt32BigEndian(source[8..])); // length (meaning by type)

    /// <summary>Writes a header into the first <see cref="Size"/> bytes of <paramref name="destination"/> (layout above).</summary>
    public static void Write(Span<byte> destination, YamuxFrameType type, YamuxFlags flags, uint streamId, uint length)
    {
        destination[0] = ProtocolVersion; // version
        destination[1] = (byte)type; // type
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)flags); // flags
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], streamId); // stream id
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], length); // length (meaning by type)
    }
}
