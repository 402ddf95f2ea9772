namespace Agent.Runtime.Sshd.Sftp;

/// <summary>The <c>statvfs</c> fields of the <c>statvfs@openssh.com</c> reply, in wire order.</summary>
public readonly record struct SftpFileSystemStatus(
    ulong BlockSize,
    ulong FragmentSize,
    ulong Blocks,
    ulong FreeBlocks,
    ulong AvailableBlocks,
    ulong Files,
    ulong FreeFiles,
    ulong AvailableFiles,
    ulong FileSystemId,
    ulong Flags,
    ulong MaxNameLength);
