using Microsoft.Win32.SafeHandles;

namespace Agent.Runtime.Sshd.Sftp;

/// <summary>An open file: reads and writes go to explicit offsets (pread/pwrite), no shared position.</summary>
internal sealed class SftpFileHandle(string path, SafeFileHandle file, int openFlags) : SftpHandle(path)
{
    public SafeFileHandle File { get; } = file;

    public bool CanRead { get; } = (openFlags & 3) is SftpNative.O_RDONLY or SftpNative.O_RDWR;

    public bool CanWrite { get; } = (openFlags & 3) is SftpNative.O_WRONLY or SftpNative.O_RDWR;

    /// <summary>Opened with APPEND: the kernel writes at the end whatever offset is asked.</summary>
    public bool Append { get; } = (openFlags & SftpNative.O_APPEND) != 0;

    public override void Dispose() => File.Dispose();
}
