using System.Buffers.Binary;
using Agent.Runtime.Ssh.Wire;
using Agent.Runtime.Sshd.Sftp;

namespace Agent.Specs.Runtime.Sshd.Sftp;

/// <summary>A reply packet, with accessors for the common shapes.</summary>
public sealed record SftpReply(SftpPacketType Type, byte[] Payload)
{
    public uint Id => BinaryPrimitives.ReadUInt32BigEndian(Payload);

    public SftpStatusCode Status
    {
        get
        {
            Assert.True(Type == SftpPacketType.Status, $"expected a STATUS, got {this}");
            return (SftpStatusCode)BinaryPrimitives.ReadUInt32BigEndian(Payload.AsSpan(4));
        }
    }

    public string Message
    {
        get
        {
            var reader = new SshReader(Payload.AsSpan(8));
            return reader.ReadString();
        }
    }

    public byte[] Handle => Bytes(SftpPacketType.Handle);

    public byte[] Data => Bytes(SftpPacketType.Data);

    public SftpAttributes Attributes
    {
        get
        {
            Assert.True(Type == SftpPacketType.Attrs, $"expected ATTRS, got {this}");
            var reader = new SshReader(Payload.AsSpan(4));
            return SftpAttributes.Read(ref reader);
        }
    }

    public IReadOnlyList<(string Name, string LongName, SftpAttributes Attributes)> Names
    {
        get
        {
            Assert.True(Type == SftpPacketType.Name, $"expected NAME, got {this}");
            var reader = new SshReader(Payload.AsSpan(4));
            var count = reader.ReadUInt32();
            var names = new List<(string, string, SftpAttributes)>();
            for (var i = 0; i < count; i++)
                names.Add((reader.ReadString(), reader.ReadString(), SftpAttributes.Read(ref reader)));
            Assert.True(reader.AtEnd);
            return names;
        }
    }

    public ulong[] UInt64s
    {
        get
        {
            Assert.True(Type == SftpPacketType.ExtendedReply, $"expected EXTENDED_REPLY, got {this}");
            var values = new ulong[(Payload.Length - 4) / 8];
            for (var i = 0; i < values.Length; i++)
                values[i] = BinaryPrimitives.ReadUInt64BigEndian(Payload.AsSpan(4 + (8 * i)));
            return values;
        }
    }

    public override string ToString()
        => Type == SftpPacketType.Status
            ? $"STATUS {(SftpStatusCode)BinaryPrimitives.ReadUInt32BigEndian(Payload.AsSpan(4))} \"{Message}\""
            : $"{Type} ({Payload.Length} bytes)";

    private byte[] Bytes(SftpPacketType expected)
    {
        Assert.True(Type == expected, $"expected {expected}, got {this}");
        var reader = new SshReader(Payload.AsSpan(4));
        return reader.ReadBinary().ToArray();
    }
}
