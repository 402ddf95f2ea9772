using Microsoft.Win32.SafeHandles;

namespace Agent.Runtime.Ssh.Sftp;

/// <summary>An open file: reads and writes go to explicit offsets (pread/pwrite), no shared position.</summary>
internal sealed class SftpFileHandle(string path, SafeFileHandle file, bool append) : SftpHandle(path)
{
    public SafeFileHandle File { get; } = file;

    /// <summary>Opened with APPEND: the kernel writes at the end whatever offset is asked.</summary>
    public bool Append { get; } = append;

    public override void Dispose() => File.Dispose();
}
