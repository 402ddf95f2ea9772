namespace Agent.Runtime.Sshd.Forwarding;

/// <summary>
/// Adds an entry to an Xauthority file (<c>~/.Xauthority</c>), replacing entries for the same display, under
/// xauth's own lock convention (<c>FILE-c</c> created exclusively; a lock older than <see cref="StaleLock"/> is
/// broken). The file is rewritten through a temporary file and a rename, mode 0600.
/// </summary>
internal static class XauthorityFile
{
    /// <summary>How old a lock file must be to count as left behind by a dead process.</summary>
    public static readonly TimeSpan StaleLock = TimeSpan.FromSeconds(10);

    /// <summary>Writes <paramref name="entry"/>; throws <see cref="IOException"/> when the file is locked or cannot be written.</summary>
    public static void Put(string path, XauthorityEntry entry)
    {
        var lockPath = path + "-c";
        if (File.Exists(lockPath) && DateTime.UtcNow - File.GetLastWriteTimeUtc(lockPath) > StaleLock)
            File.Delete(lockPath);
        using (new FileStream(lockPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose))
        {
            List<XauthorityEntry> entries = [];
            if (File.Exists(path))
            {
                var length = new FileInfo(path).Length;
                if (length > XauthorityEntry.MaxFileLength)
                    throw new IOException($"{path} is {length} bytes long; not an Xauthority file");
                entries = XauthorityEntry.ParseAll(File.ReadAllBytes(path));
            }

            entries.RemoveAll(entry.SameDisplay);
            entries.Add(entry);
            var temporary = $"{path}.{Environment.ProcessId}.tmp";
            var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using (var stream = new FileStream(temporary, options))
            {
                foreach (var item in entries)
                    item.WriteTo(stream);
            }

            File.Move(temporary, path, overwrite: true);
        }
    }
}
