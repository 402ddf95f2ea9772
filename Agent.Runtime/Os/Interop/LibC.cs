using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;

namespace Agent.Runtime.Os.Interop;

/// <summary>
/// The few libc calls the runtime needs (Linux, glibc). Only blittable signatures, so NativeAOT needs no
/// marshalling stubs generated at run time. Opaque glibc structures are passed as pointers to memory the
/// caller allocates with at least the <c>*Size</c> constants below (generous upper bounds).
/// </summary>
[SuppressMessage("StyleCop.CSharp.NamingRules", "SA1310:FieldNamesMustNotContainUnderscore", Justification = "Constants keep their libc names.")]
internal static unsafe partial class LibC
{
    public const int EINTR = 4;
    public const int ECHILD = 10;
    public const int ESRCH = 3;
    public const int ERANGE = 34;

    public const int O_RDONLY = 0;
    public const int O_CLOEXEC = 0x80000;

    public const int WNOHANG = 1;

    public const int SYS_pidfd_open = 434;

    public const int SIGKILL = 9;
    public const int SIGTERM = 15;

    public const short POSIX_SPAWN_SETPGROUP = 0x02;
    public const short POSIX_SPAWN_SETSIGDEF = 0x04;
    public const short POSIX_SPAWN_SETSIGMASK = 0x08;
    public const short POSIX_SPAWN_SETSID = 0x80;

    /// <summary>Bytes reserved for <c>posix_spawnattr_t</c> (336 on x86-64 glibc).</summary>
    public const int SpawnAttributesSize = 1024;

    /// <summary>Bytes reserved for <c>posix_spawn_file_actions_t</c> (80 on x86-64 glibc).</summary>
    public const int FileActionsSize = 256;

    /// <summary>Bytes reserved for <c>sigset_t</c> (128 on glibc).</summary>
    public const int SignalSetSize = 256;

    private const string Library = "libc";

    [LibraryImport(Library, EntryPoint = "getuid")]
    public static partial uint GetUid();

    [LibraryImport(Library, EntryPoint = "getpwuid_r")]
    public static partial int GetPasswordEntry(uint uid, Passwd* entry, byte* buffer, nuint bufferLength, Passwd** result);

    [LibraryImport(Library, EntryPoint = "pipe2", SetLastError = true)]
    public static partial int Pipe2(int* fds, int flags);

    [LibraryImport(Library, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport(Library, EntryPoint = "read", SetLastError = true)]
    public static partial nint Read(int fd, byte* buffer, nuint count);

    [LibraryImport(Library, EntryPoint = "waitpid", SetLastError = true)]
    public static partial int WaitPid(int pid, int* status, int options);

    /// <summary>
    /// <c>syscall(SYS_pidfd_open, pid, flags)</c> (Linux 5.3; 434 on every architecture): a descriptor that polls
    /// readable once the child can be reaped. The variadic <c>syscall</c> takes its two integer arguments as fixed ones.
    /// </summary>
    [LibraryImport(Library, EntryPoint = "syscall", SetLastError = true)]
    public static partial nint SystemCall(nint number, nint first, nint second);

    [LibraryImport(Library, EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);

    [LibraryImport(Library, EntryPoint = "posix_spawn")]
    public static partial int PosixSpawn(int* pid, byte* path, void* fileActions, void* attributes, byte** argv, byte** envp);

    /// <summary><c>posix_spawn</c> that looks <paramref name="file"/> up in <c>PATH</c> when it holds no slash.</summary>
    [LibraryImport(Library, EntryPoint = "posix_spawnp")]
    public static partial int PosixSpawnSearchPath(int* pid, byte* file, void* fileActions, void* attributes, byte** argv, byte** envp);

    [LibraryImport(Library, EntryPoint = "posix_spawnattr_init")]
    public static partial int SpawnAttributesInit(void* attributes);

    [LibraryImport(Library, EntryPoint = "posix_spawnattr_destroy")]
    public static partial int SpawnAttributesDestroy(void* attributes);

    [LibraryImport(Library, EntryPoint = "posix_spawnattr_setflags")]
    public static partial int SpawnAttributesSetFlags(void* attributes, short flags);

    [LibraryImport(Library, EntryPoint = "posix_spawnattr_setpgroup")]
    public static partial int SpawnAttributesSetProcessGroup(void* attributes, int processGroup);

    [LibraryImport(Library, EntryPoint = "posix_spawnattr_setsigdefault")]
    public static partial int SpawnAttributesSetSignalDefault(void* attributes, void* signals);

    [LibraryImport(Library, EntryPoint = "posix_spawnattr_setsigmask")]
    public static partial int SpawnAttributesSetSignalMask(void* attributes, void* signals);

    [LibraryImport(Library, EntryPoint = "sigfillset")]
    public static partial int SignalFillSet(void* signals);

    [LibraryImport(Library, EntryPoint = "sigemptyset")]
    public static partial int SignalEmptySet(void* signals);

    [LibraryImport(Library, EntryPoint = "posix_spawn_file_actions_init")]
    public static partial int FileActionsInit(void* fileActions);

    [LibraryImport(Library, EntryPoint = "posix_spawn_file_actions_destroy")]
    public static partial int FileActionsDestroy(void* fileActions);

    [LibraryImport(Library, EntryPoint = "posix_spawn_file_actions_addopen")]
    public static partial int FileActionsAddOpen(void* fileActions, int fd, byte* path, int flags, uint mode);

    [LibraryImport(Library, EntryPoint = "posix_spawn_file_actions_adddup2")]
    public static partial int FileActionsAddDup2(void* fileActions, int fd, int newFd);

    [LibraryImport(Library, EntryPoint = "posix_spawn_file_actions_addchdir_np")]
    public static partial int FileActionsAddChdir(void* fileActions, byte* path);

    /// <summary><c>WIFEXITED</c>/<c>WIFSIGNALED</c> decoding: the exit code, or 128 + signal.</summary>
    public static int DecodeWaitStatus(int status)
    {
        var signal = status & 0x7f;
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal;
    }
}
