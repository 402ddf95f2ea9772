namespace Agent.Specs.Runtime.Os.Pty;

/// <summary>Reads /proc to find the children of a shell and whether they own the terminal.</summary>
internal static class ProcessTable
{
    /// <summary>
    /// A process of <paramref name="session"/> running <paramref name="command"/> (already exec'd, so its signal
    /// dispositions are its own) in the terminal's foreground process group, not stopped.
    /// </summary>
    public static int? ForegroundProcess(int session, string command)
    {
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid))
                continue;
            if (Read(pid) is { } s && s.Session == session && s.Group == s.TerminalGroup && s.State != 'T' && Command(pid) == command)
                return pid;
        }

        return null;
    }

    /// <summary>The command name (<c>comm</c>) of <paramref name="pid"/>, or null when it is gone.</summary>
    public static string? Command(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/comm").Trim();
        }
        catch (IOException)
        {
            return null;
        }
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
