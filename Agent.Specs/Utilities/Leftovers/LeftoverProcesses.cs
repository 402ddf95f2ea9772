using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Agent.Specs.Utilities.Leftovers;

/// <summary>
/// Finds the processes this test run started that still run: those that carry the run's mark (<see cref="SpecRun"/>) in
/// their environment, wherever they were reparented to, and those whose parent chain leads to this test host (for the
/// ones started with a cleared environment). Zombies are dead and do not count.
/// </summary>
public static class LeftoverProcesses
{
    /// <summary>How long processes the specs just killed get to go away before they count as left behind.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(10);

    /// <summary>Waits up to <see cref="Grace"/> for every process of this run to end; returns those still running.</summary>
    public static async Task<IReadOnlyList<LeftoverProcess>> WaitForNoneAsync()
    {
        try
        {
            return await Eventually.WaitAsync(() => Task.FromResult<IReadOnlyList<LeftoverProcess>?>(Find()), found => found!.Count == 0, "the run's processes to end", Grace);
        }
        catch (TimeoutException)
        {
            return Find();
        }
    }

    /// <summary>The processes of this run that are running now.</summary>
    public static IReadOnlyList<LeftoverProcess> Find()
    {
        var self = Environment.ProcessId;
        var mark = Encoding.ASCII.GetBytes($"{SpecRun.Variable}={SpecRun.Id}\0");
        var parents = new Dictionary<int, int>();
        var names = new Dictionary<int, string>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid == self)
                continue;
            if (ReadStat(pid) is { } stat && stat.State != 'Z')
            {
                parents[pid] = stat.Parent;
                names[pid] = stat.Name;
            }
        }

        var found = new List<LeftoverProcess>();
        foreach (var (pid, name) in names)
        {
            var why = IsDescendant(pid, self, parents) ? "started under this test host" : HasMark(pid, mark) ? "carries this run's mark" : null;
            if (why is not null)
                found.Add(new LeftoverProcess(pid, name, ReadCommandLine(pid), why));
        }

        return found;
    }

    /// <summary>Kills <paramref name="leftovers"/> (and what they started) with SIGKILL.</summary>
    public static void Kill(IEnumerable<LeftoverProcess> leftovers)
    {
        ArgumentNullException.ThrowIfNull(leftovers);
        foreach (var leftover in leftovers)
        {
            try
            {
                using var process = Process.GetProcessById(leftover.Id);
                process.Kill(entireProcessTree: true);
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // Gone meanwhile.
            }
        }
    }

    private static bool IsDescendant(int pid, int ancestor, Dictionary<int, int> parents)
    {
        for (var hops = 0; hops < 64 && parents.TryGetValue(pid, out var parent); hops++)
        {
            if (parent == ancestor)
                return true;
            pid = parent;
        }

        return false;
    }

    private static bool HasMark(int pid, byte[] mark)
    {
        try
        {
            var environment = File.ReadAllBytes($"/proc/{pid}/environ");
            return environment.AsSpan().IndexOf(mark) >= 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static (string Name, char State, int Parent)? ReadStat(int pid)
    {
        try
        {
            // "pid (comm) S ppid ...": comm may hold spaces and parentheses, so the state follows the last ')'.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var open = stat.IndexOf('(', StringComparison.Ordinal);
            var close = stat.LastIndexOf(')');
            var fields = stat[(close + 2)..].Split(' ');
            return (stat[(open + 1)..close], fields[0][0], int.Parse(fields[1], CultureInfo.InvariantCulture));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    private static string ReadCommandLine(int pid)
    {
        try
        {
            var line = File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim();
            return line.Length > 300 ? line[..300] + "…" : line;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return string.Empty;
        }
    }
}
