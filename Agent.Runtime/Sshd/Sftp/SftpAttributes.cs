using Agent.Runtime.Ssh.Wire;

namespace Agent.Runtime.Sshd.Sftp;

/// <summary>The ATTRS structure of SFTP version 3 (extended pairs are read and dropped).</summary>
public readonly record struct SftpAttributes(
    SftpAttributeFlags Flags, ulong Size, uint Uid, uint Gid, uint Permissions, uint AccessTime, uint ModificationTime)
{
    /// <summary>At most this many extended pairs are accepted in one ATTRS.</summary>
    public const int MaxExtendedPairs = 64;

    public static SftpAttributes Empty => default;

    public bool Has(SftpAttributeFlags flag) => (Flags & flag) == flag;

    public static SftpAttributes Read(ref SshReader reader)
    {
        var flags = (SftpAttributeFlags)reader.ReadUInt32();
        ulong size = 0;
        uint uid = 0, gid = 0, permissions = 0, atime = 0, mtime = 0;
        if ((flags & SftpAttributeFlags.Size) != 0)
            size = reader.ReadUInt64();
        if ((flags & SftpAttributeFlags.UidGid) != 0)
        {
            uid = reader.ReadUInt32();
            gid = reader.ReadUInt32();
        }

        if ((flags & SftpAttributeFlags.Permissions) != 0)
            permissions = reader.ReadUInt32();
        if ((flags & SftpAttributeFlags.AccessModificationTime) != 0)
        {
            atime = reader.ReadUInt32();
            mtime = reader.ReadUInt32();
        }

        if ((flags & SftpAttributeFlags.Extended) != 0)
        {
            var count = reader.ReadUInt32();
            if (count > MaxExtendedPairs)
                throw new SshProtocolException($"ATTRS with {count} extended pairs (at most {MaxExtendedPairs})");
            for (var i = 0; i < count; i++)
            {
                reader.ReadBinary();
                reader.ReadBinary();
            }
        }

        return new SftpAttributes(flags & ~SftpAttributeFlags.Extended, size, uid, gid, permissions, atime, mtime);
    }

    public void Write(SftpPacketWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var flags = Flags & ~SftpAttributeFlags.Extended;
        writer.WriteUInt32((uint)flags);
        if ((flags & SftpAttributeFlags.Size) != 0)
            writer.WriteUInt64(Size);
        if ((flags & SftpAttributeFlags.UidGid) != 0)
        {
            writer.WriteUInt32(Uid);
            writer.WriteUInt32(Gid);
        }

        if ((flags & SftpAttributeFlags.Permissions) != 0)
            writer.WriteUInt32(Permissions);
        if ((flags & SftpAttributeFlags.AccessModificationTime) != 0)
        {
            writer.WriteUInt32(AccessTime);
            writer.WriteUInt32(ModificationTime);
        }
    }
}
