using System.Globalization;

namespace Agent.Runtime.Api;

/// <summary>
/// Finds the TCP ports workspace processes listen on: the LISTEN rows of <c>net/tcp</c> and <c>net/tcp6</c> under
/// the proc root (both, unlike Coder, which misses IPv6 listeners), each socket's process found through the
/// <c>socket:[inode]</c> links of <c>PID/fd</c> and named by <c>PID/comm</c>. Ports below
/// <see cref="MinimumPort"/> and sockets of the agent's own process (even when a child holds them too) are left out;
/// one entry per port, sorted.
/// </summary>
public sealed class ListeningPortScanner
{
    /// <summary>Ports below this are not reported (Coder's <c>WorkspaceAgentMinimumListeningPort</c>).</summary>
    public const int MinimumPort = 9;

    /// <summary>Processes looked at per scan, at most.</summary>
    public const int MaxProcesses = 65536;

    private const string SocketLinkPrefix = "socket:[";

    private readonly string _procRoot;
    private readonly int _ownProcessId;

    /// <param name="procRoot">Where proc is mounted (<c>/proc</c>; a fixture directory in specs).</param>
    /// <param name="ownProcessId">The agent's process, whose listeners (SSH, API) are not workspace ports.</param>
    public ListeningPortScanner(string procRoot, int ownProcessId)
    {
        ArgumentException.ThrowIfNullOrEmpty(procRoot);
        _procRoot = procRoot;
        _ownProcessId = ownProcessId;
    }

    /// <exception cref="IOException"><c>net/tcp</c> could not be read (a missing <c>net/tcp6</c> means no IPv6).</exception>
    /// <exception cref="UnauthorizedAccessException">A table may not be read.</exception>
    public IReadOnlyList<ListeningPort> Scan()
    {
        var listeners = ProcNetTcpParser.Parse(File.ReadAllText(Path.Join(_procRoot, "net", "tcp")))
            .Where(listener => listener.Port >= MinimumPort)
            .ToList();
        var tcp6 = Path.Join(_procRoot, "net", "tcp6");
        if (File.Exists(tcp6))
            listeners.AddRange(ProcNetTcpParser.Parse(File.ReadAllText(tcp6)).Where(listener => listener.Port >= MinimumPort));
        if (listeners.Count == 0)
            return [];

        var owners = FindOwners(listeners.Select(listener => listener.Inode).Where(inode => inode != 0).ToHashSet());
        var ports = new SortedDictionary<int, ListeningPort>();
        foreach (var listener in listeners)
        {
            var found = owners.TryGetValue(listener.Inode, out var owner);
            if (found && owner.ProcessId == _ownProcessId)
                continue;
            var name = found ? owner.Name : string.Empty;
            if (!ports.TryGetValue(listener.Port, out var earlier) || (earlier.ProcessName.Length == 0 && name.Length > 0))
                ports[listener.Port] = new ListeningPort(name, "tcp", listener.Port);
        }

        return [.. ports.Values];
    }

    private static IEnumerable<ulong> SocketInodes(string processDirectory)
    {
        IEnumerable<string> descriptors;
        try
        {
            descriptors = Directory.EnumerateFileSystemEntries(Path.Join(processDirectory, "fd")).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            yield break; // gone, or another user's process
        }

        foreach (var descriptor in descriptors)
        {
            string? target;
            try
            {
                target = new FileInfo(descriptor).LinkTarget;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            if (target is not null
                && target.StartsWith(SocketLinkPrefix, StringComparison.Ordinal)
                && target.EndsWith(']')
                && ulong.TryParse(target.AsSpan(SocketLinkPrefix.Length, target.Length - SocketLinkPrefix.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var inode))
            {
                yield return inode;
            }
        }
    }

    private static string ProcessName(string processDirectory)
    {
        try
        {
            return File.ReadAllText(Path.Join(processDirectory, "comm")).TrimEnd('\n');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return string.Empty;
        }
    }

    /// <summary>The process (id and name) holding each socket inode; sockets of unreadable processes stay unknown.</summary>
    private Dictionary<ulong, (int ProcessId, string Name)> FindOwners(HashSet<ulong> inodes)
    {
        var owners = new Dictionary<ulong, (int ProcessId, string Name)>();
        IEnumerable<string> processes;
        try
        {
            processes = Directory.EnumerateDirectories(_procRoot);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return owners;
        }

        // The agent's own sockets first: a child between fork and exec holds them too, and once PIDs wrap around it can
        // come before the agent in the listing.
        foreach (var inode in SocketInodes(Path.Join(_procRoot, _ownProcessId.ToString(CultureInfo.InvariantCulture))))
        {
            if (inodes.Contains(inode))
                owners.TryAdd(inode, (_ownProcessId, string.Empty));
        }

        var seen = 0;
        foreach (var directory in processes)
        {
            if (owners.Count == inodes.Count || seen == MaxProcesses)
                break;
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var processId))
                continue;
            seen++;
            string? name = null;
            foreach (var inode in SocketInodes(directory))
            {
                if (!inodes.Contains(inode) || owners.ContainsKey(inode))
                    continue;
                name ??= ProcessName(directory);
                owners[inode] = (processId, name);
            }
        }

        return owners;
    }
}
