using System.ComponentModel;
using System.Runtime.InteropServices;
using Agent.Runtime.Os.Interop;

namespace Agent.Runtime.Os.Processes;

/// <summary>
/// The one way the agent starts a child: <c>posix_spawn</c> (or <c>posix_spawnp</c>) with every signal back to its
/// default (.NET ignores SIGPIPE, and an ignored signal would survive exec) and nothing blocked, the standard streams
/// the launcher sets up, its working directory, and every descriptor above 2 closed (whatever the agent holds or
/// inherited without <c>O_CLOEXEC</c>: sockets, log files, pipes, a PTY master). Optionally in a new process group
/// (pgid = pid, so the whole group can be signalled) or a new session (the first terminal it opens becomes its
/// controlling terminal). With process priority management on (<see cref="PriorityWrapper"/>) the child is the agent's
/// <c>agent-exec</c>, which sets its <c>oom_score_adj</c> and nice value and execs the program in place.
/// <see cref="Start"/> hands the child to <see cref="ChildReaper"/>, so none is left unreaped.
/// </summary>
internal sealed unsafe class SpawnBuilder
{
    private readonly string _program;
    private readonly IReadOnlyList<string> _arguments;
    private readonly IReadOnlyList<string> _environment;
    private readonly List<(int Fd, int Source, string? Path, int Flags)> _streams = [];
    private string? _directory;
    private bool _searchPath;
    private short _flags = LibC.POSIX_SPAWN_SETSIGDEF | LibC.POSIX_SPAWN_SETSIGMASK;

    /// <summary>Runs <paramref name="program"/> with <paramref name="arguments"/> as argv and <paramref name="environment"/> (<c>NAME=value</c>) as envp.</summary>
    public SpawnBuilder(string program, IReadOnlyList<string> arguments, IReadOnlyList<string> environment)
    {
        ArgumentException.ThrowIfNullOrEmpty(program);
        _program = program;
        _arguments = arguments;
        _environment = environment;
    }

    /// <summary>Throws when a spawn call returned an error number.</summary>
    public static void Check(int error, string call)
    {
        if (error != 0)
            throw new Win32Exception(error, call + " failed: " + Marshal.GetPInvokeErrorMessage(error));
    }

    /// <summary>Looks the program up in <c>PATH</c> when it holds no slash, as a shell does.</summary>
    public SpawnBuilder SearchPath()
    {
        _searchPath = true;
        return this;
    }

    public SpawnBuilder InDirectory(string directory)
    {
        _directory = directory;
        return this;
    }

    /// <summary>A new process group led by the child.</summary>
    public SpawnBuilder NewProcessGroup()
    {
        _flags |= LibC.POSIX_SPAWN_SETPGROUP;
        return this;
    }

    /// <summary>
    /// A new session led by the child. glibc runs <c>setsid</c> before the file actions, so a terminal opened by
    /// <see cref="Open"/> without <c>O_NOCTTY</c> becomes its controlling terminal.
    /// </summary>
    public SpawnBuilder NewSession()
    {
        _flags |= LibC.POSIX_SPAWN_SETSID;
        return this;
    }

    /// <summary><c>dup2(source, fd)</c> in the child, in the order the calls were made.</summary>
    public SpawnBuilder Duplicate(int source, int fd)
    {
        _streams.Add((fd, source, null, 0));
        return this;
    }

    /// <summary><c>open(path, flags)</c> as <paramref name="fd"/> in the child, in the order the calls were made.</summary>
    public SpawnBuilder Open(int fd, string path, int flags)
    {
        _streams.Add((fd, -1, path, flags));
        return this;
    }

    /// <summary>Starts the child and hands it to the reaper.</summary>
    /// <exception cref="Win32Exception">The program cannot be started (not found, not executable, no directory).</exception>
    public SpawnedChild Start()
    {
        var pid = Spawn();
        return new SpawnedChild(pid, ChildReaper.Watch(pid));
    }

    private static byte* Allocate(List<nint> strings, string value)
    {
        var bytes = Utf8StringArray.Allocate(value);
        strings.Add((nint)bytes);
        return bytes;
    }

    private int Spawn()
    {
        var (programPath, arguments, searchPath) = (_program, _arguments, _searchPath);
        if (PriorityWrapper.Current is { } priority)
        {
            (programPath, var wrapped) = PriorityWrapper.Wrap(priority, _program, _arguments, _searchPath);
            arguments = wrapped;
            searchPath = false;
        }

        using var argv = new Utf8StringArray(arguments);
        using var envp = new Utf8StringArray(_environment);
        using var spawn = SpawnBuffers.Create();
        var strings = new List<nint>();
        try
        {
            Check(LibC.SpawnAttributesSetFlags(spawn.Attributes, _flags), "posix_spawnattr_setflags");
            _ = LibC.SignalFillSet(spawn.Signals);
            Check(LibC.SpawnAttributesSetSignalDefault(spawn.Attributes, spawn.Signals), "posix_spawnattr_setsigdefault");
            _ = LibC.SignalEmptySet(spawn.Signals);
            Check(LibC.SpawnAttributesSetSignalMask(spawn.Attributes, spawn.Signals), "posix_spawnattr_setsigmask");
            if ((_flags & LibC.POSIX_SPAWN_SETPGROUP) != 0)
                Check(LibC.SpawnAttributesSetProcessGroup(spawn.Attributes, 0), "posix_spawnattr_setpgroup");

            foreach (var stream in _streams)
            {
                if (stream.Path is null)
                {
                    Check(LibC.FileActionsAddDup2(spawn.FileActions, stream.Source, stream.Fd), "posix_spawn_file_actions_adddup2");
                    continue;
                }

                var path = Allocate(strings, stream.Path);
                Check(LibC.FileActionsAddOpen(spawn.FileActions, stream.Fd, path, stream.Flags, 0), "posix_spawn_file_actions_addopen");
            }

            if (_directory is not null)
                Check(LibC.FileActionsAddChdir(spawn.FileActions, Allocate(strings, _directory)), "posix_spawn_file_actions_addchdir_np");
            Check(LibC.FileActionsAddCloseFrom(spawn.FileActions, 3), "posix_spawn_file_actions_addclosefrom_np");

            int pid;
            var program = Allocate(strings, programPath);
            var error = searchPath
                ? LibC.PosixSpawnSearchPath(&pid, program, spawn.FileActions, spawn.Attributes, argv.Pointer, envp.Pointer)
                : LibC.PosixSpawn(&pid, program, spawn.FileActions, spawn.Attributes, argv.Pointer, envp.Pointer);
            Check(error, (searchPath ? "posix_spawnp " : "posix_spawn ") + _program);
            return pid;
        }
        finally
        {
            foreach (var pointer in strings)
                NativeMemory.Free((void*)pointer);
        }
    }
}
