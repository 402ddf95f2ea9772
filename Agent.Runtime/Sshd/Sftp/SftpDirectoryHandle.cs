namespace Agent.Runtime.Sshd.Sftp;

/// <summary>An open directory stream (<c>opendir</c>), read in batches by READDIR.</summary>
internal sealed class SftpDirectoryHandle(string path, nint directory) : SftpHandle(path)
{
    private nint _directory = directory;

    public nint Directory => _directory;

    public override void Dispose()
    {
        var directory = Interlocked.Exchange(ref _directory, 0);
        if (directory != 0)
            SftpFileSystem.CloseDirectory(directory);
    }
}
