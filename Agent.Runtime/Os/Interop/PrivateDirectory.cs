namespace Agent.Runtime.Os.Interop;

/// <summary>Directories only this user may enter.</summary>
public static class PrivateDirectory
{
    /// <summary>
    /// Creates <paramref name="path"/> (and parents) with mode 0700 when it does not exist yet. With
    /// <paramref name="requireOwner"/> an existing directory must belong to this user (else <see cref="IOException"/>).
    /// </summary>
    public static string Ensure(string path, bool requireOwner = false)
    {
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full))
        {
            if (requireOwner && !OperatingSystem.IsWindows() && PrivateFile.Owner(full) is { } owner && owner != PrivateFile.CurrentUser)
                throw new IOException($"{full} belongs to user {owner}, not to this user ({PrivateFile.CurrentUser})");
            return full;
        }

        if (OperatingSystem.IsWindows())
            Directory.CreateDirectory(full);
        else
            Directory.CreateDirectory(full, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        return full;
    }
}
