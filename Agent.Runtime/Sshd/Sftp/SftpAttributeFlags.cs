namespace Agent.Runtime.Sshd.Sftp;

/// <summary>SSH_FILEXFER_ATTR_* flags: which fields an ATTRS structure carries.</summary>
[Flags]
public enum SftpAttributeFlags : uint
{
    None = 0,
    Size = 0x01,
    UidGid = 0x02,
    Permissions = 0x04,
    AccessModificationTime = 0x08,
    Extended = 0x80000000,
}
