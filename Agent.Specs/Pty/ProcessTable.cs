namespace Agent.Specs.Pty;

/// <summary>Reads /proc to find the children of a shell and whether they own the terminal.</summary>
internal static class ProcessTable
{
    /// <summary>A child of <paramref name="parent"/> whose process group is the terminal's foreground group.</summary>
    public static int? ForegroundChild(int parent)
    {
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid))
                continue;
            var stat = Read(pid);
            if (stat is { } s && s.Parent == parent && s.Group == s.TerminalGroup && s.State != 'T')
                return pid;
        }

        return null;
    }

    /// <summary>State letter, parent, process group, session and the terminal's foreground group of <paramref name="pid"/>.</summary>
    public static (char State, int Parent, int Group, int Session, int TerminalGroup)? Read(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }

        // Fields after "(comm)": state ppid pgrp session tty_nr tpgid ...
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (fields[0][0], int.Parse(fields[1]), int.Parse(fields[2]), int.Parse(fields[3]), int.Parse(fields[5]));
    }

    public static bool Exists(int pid) => Directory.Exists($"/proc/{pid}");

    public static int OpenDescriptors() => Directory.GetFileSystemEntries("/proc/self/fd").Length;
}
