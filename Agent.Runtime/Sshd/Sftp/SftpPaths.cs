namespace Agent.Runtime.Sshd.Sftp;

/// <summary>Path handling: relative paths against the home directory, and OpenSSH's <c>realpath</c>.</summary>
internal static class SftpPaths
{
    /// <summary>Symbolic links followed while resolving one path before giving up with ELOOP.</summary>
    public const int MaxSymbolicLinks = 32;

    /// <summary>Components accepted in one path (after link expansion) before giving up with ENAMETOOLONG.</summary>
    public const int MaxComponents = 4096;

    /// <summary>The path the session means: absolute paths as they are, relative ones under <paramref name="home"/>.</summary>
    public static string Resolve(string home, string path)
    {
        if (path.Length == 0 || path[0] == '/')
            return path;
        return home == "/" ? "/" + path : home + "/" + path;
    }

    /// <summary>
    /// The canonical absolute path: "." and ".." and symbolic links resolved. As OpenSSH's <c>sftp_realpath</c>, the
    /// last component need not exist; anything missing before it is ENOENT.
    /// </summary>
    public static int RealPath(string absolute, out string resolved)
    {
        resolved = "/";
        var pending = new Stack<string>();
        Push(pending, absolute);
        var links = 0;
        while (pending.Count > 0)
        {
            var component = pending.Pop();
            if (component.Length == 0 || component == ".")
                continue;
            if (component == "..")
            {
                resolved = Parent(resolved);
                continue;
            }

            var candidate = resolved == "/" ? "/" + component : resolved + "/" + component;
            var error = SftpFileSystem.Stat(candidate, followLinks: false, out var status);
            if (error != 0)
            {
                if (error == SftpNative.ENOENT && pending.All(c => c.Length == 0 || c == "."))
                {
                    resolved = candidate;
                    return 0;
                }

                return error;
            }

            if (status.IsSymbolicLink)
            {
                if (++links > MaxSymbolicLinks)
                    return SftpNative.ELOOP;
                error = SftpFileSystem.ReadLink(candidate, out var target);
                if (error != 0)
                    return error;
                if (target.StartsWith('/'))
                    resolved = "/";
                Push(pending, target);
                if (pending.Count > MaxComponents)
                    return SftpNative.ENAMETOOLONG;
                continue;
            }

            if (!status.IsDirectory && pending.Any(c => c.Length > 0 && c != "."))
                return SftpNative.ENOTDIR;
            resolved = candidate;
        }

        return 0;
    }

    private static void Push(Stack<string> pending, string path)
    {
        var parts = path.Split('/');
        for (var i = parts.Length - 1; i >= 0; i--)
            pending.Push(parts[i]);
    }

    private static string Parent(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash <= 0 ? "/" : path[..slash];
    }
}
