namespace Agent.Runtime.ControlPlane.Persistence;

/// <summary>
/// Prepares the place of a SQLite database file so that only this user can read or replace it: the directory is made
/// 0700 when missing; a directory that group or others may write is refused (they could swap the file), as is a symbolic
/// link at the path or at its <c>-wal</c>/<c>-shm</c>, or something that is not a regular file; a missing file is created
/// 0600 (<c>O_CREAT|O_EXCL</c>, so nothing planted is followed), an existing one made 0600. SQLite gives the <c>-wal</c>
/// and <c>-shm</c> files it creates the mode of the database file.
/// </summary>
internal static class SqliteFiles
{
    private const UnixFileMode PrivateDirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode PrivateFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OthersMayWrite = UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;

    /// <summary>Checks and prepares <paramref name="path"/>.</summary>
    /// <exception cref="ControlPlaneDatabaseException">The path is not safe to use; the message says why.</exception>
    public static void Prepare(string path)
    {
        if (OperatingSystem.IsWindows())
            throw new PlatformNotSupportedException("The control plane's SQLite database needs a POSIX file system.");
        var directory = Path.GetDirectoryName(path) ?? throw Refused(path, "has no parent directory");
        try
        {
            if (!Directory.Exists(directory))
                Directory.CreateDirectory(directory, PrivateDirectoryMode);
            if ((File.GetUnixFileMode(directory) & OthersMayWrite) != 0)
                throw Refused(path, $"is in {directory}, which group or others may write (they could replace the database): chmod go-w it or choose another directory");
            foreach (var companion in (ReadOnlySpan<string>)[path, path + "-wal", path + "-shm", path + "-journal"])
            {
                var info = new FileInfo(companion);
                if (info.LinkTarget is not null)
                    throw Refused(path, $"{companion} is a symbolic link (to {info.LinkTarget}); it is not followed");
                if (Directory.Exists(companion))
                    throw Refused(path, $"{companion} is a directory");
            }

            if (!File.Exists(path))
                CreatePrivate(path);
            else if ((File.GetUnixFileMode(path) & ~PrivateFileMode) != 0)
                File.SetUnixFileMode(path, PrivateFileMode);
        }
        catch (Exception ex) when (ex is IOException and not ControlPlaneDatabaseException or UnauthorizedAccessException)
        {
            throw Refused(path, ex.Message, ex);
        }
    }

    // O_CREAT|O_EXCL with mode 0600; losing a race to another process that made it first is fine (it is checked as found).
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static void CreatePrivate(string path)
    {
        try
        {
            using var created = new FileStream(path, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = PrivateFileMode });
        }
        catch (IOException) when (File.Exists(path) && new FileInfo(path).LinkTarget is null)
        {
            if ((File.GetUnixFileMode(path) & ~PrivateFileMode) != 0)
                throw;
        }
    }

    private static ControlPlaneDatabaseException Refused(string path, string reason, Exception? inner = null)
        => inner is null
            ? new ControlPlaneDatabaseException($"sqlite:{path}: {reason}")
            : new ControlPlaneDatabaseException($"sqlite:{path}: {reason}", inner);
}
