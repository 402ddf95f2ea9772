namespace Agent.Runtime.Sshd.Sftp;

/// <summary>An open file or directory of a session, named by the path it was opened with.</summary>
internal abstract class SftpHandle(string path) : IDisposable
{
    public string Path { get; } = path;

    public abstract void Dispose();
}
