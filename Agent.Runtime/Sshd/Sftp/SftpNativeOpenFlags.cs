namespace Agent.Runtime.Sshd.Sftp;

/// <summary>SSH_FXF_* open flags (draft-ietf-secsh-filexfer-02 §6.3) as <c>open(2)</c> flags.</summary>
internal static class SftpNativeOpenFlags
{
    public static int From(SftpOpenFlags flags)
    {
        var read = (flags & SftpOpenFlags.Read) != 0;
        var write = (flags & SftpOpenFlags.Write) != 0;
        var result = read && write ? SftpNative.O_RDWR : write ? SftpNative.O_WRONLY : SftpNative.O_RDONLY;
        if ((flags & SftpOpenFlags.Append) != 0)
            result |= SftpNative.O_APPEND;
        if ((flags & SftpOpenFlags.Create) != 0)
            result |= SftpNative.O_CREAT;
        if ((flags & SftpOpenFlags.Truncate) != 0)
            result |= SftpNative.O_TRUNC;
        if ((flags & SftpOpenFlags.Exclusive) != 0)
            result |= SftpNative.O_EXCL;
        return result;
    }
}
