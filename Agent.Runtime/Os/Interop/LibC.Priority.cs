using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;

namespace Agent.Runtime.Os.Interop;

/// <summary>Scheduling priority, <c>access</c>, <c>prctl</c>, signal dispositions and <c>execv</c>: what the priority wrapper (<c>agent agent-exec</c>) needs.</summary>
[SuppressMessage("StyleCop.CSharp.NamingRules", "SA1310:FieldNamesMustNotContainUnderscore", Justification = "Constants keep their libc names.")]
internal static unsafe partial class LibC
{
    public const int PRIO_PROCESS = 0;
    public const int X_OK = 1;
    public const int PR_SET_DUMPABLE = 4;
    public const int SIGSTOP = 19;
    public const int SIG_SETMASK = 2;

    /// <summary><c>getpriority</c>: the nice value (-20..19); -1 is also an error when errno was set.</summary>
    [LibraryImport(Library, EntryPoint = "getpriority", SetLastError = true)]
    public static partial int GetPriority(int which, uint who);

    /// <summary><c>setpriority</c>; on Linux <c>PRIO_PROCESS, 0</c> sets the calling thread, the one that calls <c>execv</c>.</summary>
    [LibraryImport(Library, EntryPoint = "setpriority", SetLastError = true)]
    public static partial int SetPriority(int which, uint who, int nice);

    [LibraryImport(Library, EntryPoint = "access", SetLastError = true)]
    public static partial int Access(byte* path, int mode);

    [LibraryImport(Library, EntryPoint = "prctl", SetLastError = true)]
    public static partial int ProcessControl(int option, nuint second, nuint third, nuint fourth, nuint fifth);

    [LibraryImport(Library, EntryPoint = "sigprocmask", SetLastError = true)]
    public static partial int SignalProcessMask(int how, void* set, void* oldSet);

    /// <summary><c>signal(signal, handler)</c>; <c>SIG_DFL</c> is 0.</summary>
    [LibraryImport(Library, EntryPoint = "signal")]
    public static partial nint SetSignalHandler(int signal, nint handler);

    /// <summary><c>execv</c>: replaces this process, keeping its environment (<c>environ</c>, which the spawn set).</summary>
    [LibraryImport(Library, EntryPoint = "execv", SetLastError = true)]
    public static partial int Execute(byte* path, byte** argv);
}
