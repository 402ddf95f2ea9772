namespace Agent.Runtime.Sshd.Sftp;

/// <summary>What <c>stat</c> says about a file: the fields SFTP version 3 and a long name need.</summary>
public readonly record struct SftpFileStatus(
    uint Mode, uint Uid, uint Gid, ulong Size, uint LinkCount, long AccessTime, long ModificationTime)
{
    public const uint TypeMask = 0xF000;
    public const uint Directory = 0x4000;
    public const uint Regular = 0x8000;
    public const uint SymbolicLink = 0xA000;

    public bool IsDirectory => (Mode & TypeMask) == Directory;

    public bool IsRegular => (Mode & TypeMask) == Regular;

    public bool IsSymbolicLink => (Mode & TypeMask) == SymbolicLink;

    /// <summary>As OpenSSH sends it: size, owner, the whole <c>st_mode</c> (type bits included), times.</summary>
    public SftpAttributes ToAttributes() => new(
        SftpAttributeFlags.Size | SftpAttributeFlags.UidGid | SftpAttributeFlags.Permissions | SftpAttributeFlags.AccessModificationTime,
        Size,
        Uid,
        Gid,
        Mode,
        unchecked((uint)AccessTime),
        unchecked((uint)ModificationTime));
}
