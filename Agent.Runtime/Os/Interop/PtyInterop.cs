using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;

namespace Agent.Runtime.Os.Interop;

/// <summary>
/// The libc calls for pseudo-terminals (Linux, glibc): opening the master side, the slave's name, the window
/// size, the terminal attributes, polling and the wake-up eventfd. Blittable signatures only (NativeAOT); the
/// variadic <c>ioctl</c> and <c>fcntl</c> are declared with the one argument they take here, which the x86-64 and
/// AArch64 Linux calling conventions pass exactly like a fixed argument.
/// </summary>
[SuppressMessage("StyleCop.CSharp.NamingRules", "SA1310:FieldNamesMustNotContainUnderscore", Justification = "Constants keep their libc names.")]
internal static unsafe partial class PtyInterop
{
    public const int EIO = 5;
    public const int EAGAIN = 11;

    public const int O_RDWR = 2;
    public const int O_NOCTTY = 0x100;
    public const int O_NONBLOCK = 0x800;

    public const int F_GETFL = 3;
    public const int F_SETFL = 4;

    public const int EFD_NONBLOCK = 0x800;
    public const int EFD_CLOEXEC = 0x80000;

    public const short POLLIN = 0x1;
    public const short POLLOUT = 0x4;

    public const int SIGHUP = 1;
    public const int SIGCONT = 18;

    public const uint TIOCSWINSZ = 0x5414;

    public const int TCSANOW = 0;

    /// <summary>Bytes reserved for a slave path from <c>ptsname_r</c> (<c>/dev/pts/N</c>).</summary>
    public const int TerminalNameSize = 128;

    private const string Library = "libc";

    [LibraryImport(Library, EntryPoint = "posix_openpt", SetLastError = true)]
    public static partial int OpenMaster(int flags);

    [LibraryImport(Library, EntryPoint = "grantpt", SetLastError = true)]
    public static partial int GrantSlave(int masterFd);

    [LibraryImport(Library, EntryPoint = "unlockpt", SetLastError = true)]
    public static partial int UnlockSlave(int masterFd);

    /// <summary>Returns 0, or an errno value.</summary>
    [LibraryImport(Library, EntryPoint = "ptsname_r")]
    public static partial int SlaveName(int masterFd, byte* buffer, nuint length);

    [LibraryImport(Library, EntryPoint = "ioctl", SetLastError = true)]
    public static partial int SetWindowSize(int fd, nuint request, WindowSize* size);

    [LibraryImport(Library, EntryPoint = "tcgetattr", SetLastError = true)]
    public static partial int GetAttributes(int fd, Termios* attributes);

    [LibraryImport(Library, EntryPoint = "tcsetattr", SetLastError = true)]
    public static partial int SetAttributes(int fd, int optionalActions, Termios* attributes);

    [LibraryImport(Library, EntryPoint = "cfsetispeed", SetLastError = true)]
    public static partial int SetInputSpeed(Termios* attributes, uint speed);

    [LibraryImport(Library, EntryPoint = "cfsetospeed", SetLastError = true)]
    public static partial int SetOutputSpeed(Termios* attributes, uint speed);

    [LibraryImport(Library, EntryPoint = "cfgetispeed")]
    public static partial uint GetInputSpeed(Termios* attributes);

    [LibraryImport(Library, EntryPoint = "cfgetospeed")]
    public static partial uint GetOutputSpeed(Termios* attributes);

    [LibraryImport(Library, EntryPoint = "fcntl", SetLastError = true)]
    public static partial int Control(int fd, int command, int argument);

    [LibraryImport(Library, EntryPoint = "poll", SetLastError = true)]
    public static partial int Poll(PollDescriptor* descriptors, nuint count, int timeoutMilliseconds);

    [LibraryImport(Library, EntryPoint = "eventfd", SetLastError = true)]
    public static partial int EventFd(uint initialValue, int flags);

    [LibraryImport(Library, EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(int fd, byte* buffer, nuint count);
}
