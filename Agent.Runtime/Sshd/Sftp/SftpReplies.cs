using Agent.Runtime.Ssh.Wire;

namespace Agent.Runtime.Sshd.Sftp;

/// <summary>The replies of an SFTP version 3 server (draft-ietf-secsh-filexfer-02 §7) and how errors map to status codes.</summary>
internal static class SftpReplies
{
    public static string Message(SftpStatusCode code) => code switch
    {
        SftpStatusCode.Ok => "Success",
        SftpStatusCode.Eof => "End of file",
        SftpStatusCode.NoSuchFile => "No such file",
        SftpStatusCode.PermissionDenied => "Permission denied",
        SftpStatusCode.Failure => "Failure",
        SftpStatusCode.BadMessage => "Bad message",
        SftpStatusCode.NoConnection => "No connection",
        SftpStatusCode.ConnectionLost => "Connection lost",
        SftpStatusCode.OpUnsupported => "Operation unsupported",
        _ => "Unknown error",
    };

    /// <summary>OpenSSH's <c>errno_to_portable</c>.</summary>
    public static SftpStatusCode FromErrno(int errno) => errno switch
    {
        0 => SftpStatusCode.Ok,
        SftpNative.ENOENT or SftpNative.ENOTDIR or SftpNative.EBADF or SftpNative.ELOOP => SftpStatusCode.NoSuchFile,
        SftpNative.EPERM or SftpNative.EACCES or SftpNative.EFAULT => SftpStatusCode.PermissionDenied,
        SftpNative.ENAMETOOLONG or SftpNative.EINVAL => SftpStatusCode.BadMessage,
        SftpNative.ENOSYS => SftpStatusCode.OpUnsupported,
        _ => SftpStatusCode.Failure,
    };

    // draft-ietf-secsh-filexfer-02 §7 SSH_FXP_STATUS: byte 101, uint32 id, uint32 error code, string error message, string language tag
    public static void Status(SftpPacketWriter reply, uint id, SftpStatusCode code, string? message = null)
    {
        reply.Begin(SftpPacketType.Status, id);
        reply.WriteUInt32((uint)code);
        reply.WriteString(message ?? Message(code));
        reply.WriteString(string.Empty);
        reply.End();
    }

    public static void Errno(SftpPacketWriter reply, uint id, int errno) => Status(reply, id, FromErrno(errno));

    // draft-ietf-secsh-filexfer-02 §7 SSH_FXP_NAME: byte 104, uint32 id, uint32 count, then per name string filename,
    // string longname, ATTRS attrs (here one name, with empty attributes, as OpenSSH answers REALPATH)
    public static void Names(SftpPacketWriter reply, uint id, string rawName)
    {
        var bytes = SftpFileSystem.Bytes.GetBytes(rawName);
        reply.Begin(SftpPacketType.Name, id);
        reply.WriteUInt32(1);
        reply.WriteString(bytes);
        reply.WriteString(bytes);
        SftpAttributes.Empty.Write(reply);
        reply.End();
    }

    // draft-ietf-secsh-filexfer-02 §7 SSH_FXP_HANDLE: byte 102, uint32 id, string handle
    public static void Handle(SftpPacketWriter reply, uint id, byte[] handle)
    {
        reply.Begin(SftpPacketType.Handle, id);
        reply.WriteString(handle);
        reply.End();
    }

    // draft-ietf-secsh-filexfer-02 §7 SSH_FXP_ATTRS: byte 105, uint32 id, ATTRS attrs
    public static void Attributes(SftpPacketWriter reply, uint id, SftpFileStatus status)
    {
        reply.Begin(SftpPacketType.Attrs, id);
        status.ToAttributes().Write(reply);
        reply.End();
    }

    // OpenSSH PROTOCOL §4.4 statvfs@openssh.com reply, SSH_FXP_EXTENDED_REPLY: byte 201, uint32 id, uint64 f_bsize,
    // uint64 f_frsize, uint64 f_blocks, uint64 f_bfree, uint64 f_bavail, uint64 f_files, uint64 f_ffree, uint64 f_favail,
    // uint64 f_fsid, uint64 f_flag, uint64 f_namemax
    public static void FileSystem(SftpPacketWriter reply, uint id, SftpFileSystemStatus s)
    {
        reply.Begin(SftpPacketType.ExtendedReply, id);
        foreach (var value in new[]
        {
            s.BlockSize, s.FragmentSize, s.Blocks, s.FreeBlocks, s.AvailableBlocks, s.Files, s.FreeFiles,
            s.AvailableFiles, s.FileSystemId, s.Flags, s.MaxNameLength,
        })
        {
            reply.WriteUInt64(value);
        }

        reply.End();
    }

    /// <summary>RandomAccess failures: an IOException of an unmapped error carries the errno as its HResult.</summary>
    public static SftpStatusCode FromException(Exception e) => e switch
    {
        UnauthorizedAccessException => SftpStatusCode.PermissionDenied,
        FileNotFoundException or DirectoryNotFoundException => SftpStatusCode.NoSuchFile,
        IOException { HResult: > 0 and < 4096 } io => FromErrno(io.HResult),
        _ => SftpStatusCode.Failure,
    };

    public static void RealPath(SftpPacketWriter reply, uint id, string path)
    {
        var error = SftpPaths.RealPath(path, out var resolved);
        if (error != 0)
            Errno(reply, id, error);
        else
            Names(reply, id, resolved);
    }
}
