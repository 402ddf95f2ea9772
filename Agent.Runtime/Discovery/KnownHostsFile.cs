namespace Agent.Runtime.Discovery;

/// <summary>
/// Adds discovered agents' host keys to an OpenSSH known_hosts file (<c>[host]:port type key</c>, or <c>host type key</c>
/// on port 22): lines already there (same host, type and key) are not written again, other lines are kept as they
/// are; a new file is created private (0600) in a directory created private (0700).
/// </summary>
public static class KnownHostsFile
{
    /// <summary>Appends the lines of <paramref name="agents"/> missing from <paramref name="path"/>; returns how many were added.</summary>
    public static int Add(string path, IEnumerable<DiscoveredAgent> agents)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(agents);
        var existing = File.Exists(path)
            ? File.ReadAllLines(path).Select(Normalize).ToHashSet(StringComparer.Ordinal)
            : [];
        var added = new List<string>();
        foreach (var agent in agents.Where(agent => agent.Problem is null))
        {
            foreach (var key in agent.Keys)
            {
                var line = $"{agent.KnownHostsName} {key.Type} {key.Base64}";
                if (existing.Add(Normalize(line)))
                    added.Add(line);
            }
        }

        if (added.Count == 0)
            return 0;
        var options = new FileStreamOptions { Mode = FileMode.Append, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } directory && !Directory.Exists(directory))
                Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var writer = new StreamWriter(path, options);
        if (writer.BaseStream.Length > 0 && !EndsWithNewline(path))
            writer.Write('\n');
        foreach (var line in added)
            writer.Write(line + "\n");
        return added.Count;
    }

    // "host type key [comment]" → "host type key": a comment does not make a line different.
    private static string Normalize(string line)
    {
        var parts = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        return parts.Length >= 3 ? string.Join(' ', parts.Take(3)) : line.Trim();
    }

    private static bool EndsWithNewline(string path)
    {
        using var file = File.OpenRead(path);
        if (file.Length == 0)
            return true;
        file.Seek(-1, SeekOrigin.End);
        return file.ReadByte() == '\n';
    }
}
