using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;

namespace Agent.Runtime.Os.Interop;

/// <summary>The addresses of a socket the agent was handed as a descriptor (inetd mode), and duplicates of listening sockets.</summary>
[SuppressMessage("StyleCop.CSharp.NamingRules", "SA1310:FieldNamesMustNotContainUnderscore", Justification = "Constants keep their libc names.")]
internal static unsafe partial class LibC
{
    public const ushort AF_INET = 2;
    public const ushort AF_INET6 = 10;

    /// <summary>Bytes of <c>struct sockaddr_storage</c>.</summary>
    public const int SocketAddressStorageSize = 128;

    public const int F_GETFD = 1;
    public const int F_DUPFD_CLOEXEC = 1030;
    public const int FD_CLOEXEC = 1;

    [LibraryImport(Library, EntryPoint = "getsockname", SetLastError = true)]
    public static partial int GetSocketName(int fd, byte* address, uint* length);

    [LibraryImport(Library, EntryPoint = "getpeername", SetLastError = true)]
    public static partial int GetPeerName(int fd, byte* address, uint* length);

    /// <summary>
    /// <c>fcntl(fd, command, argument)</c> for the integer-argument commands (<c>F_DUPFD_CLOEXEC</c>, <c>F_GETFD</c>); the
    /// variadic argument is passed as a fixed one, which the x86-64 and AArch64 Linux calling conventions treat alike.
    /// </summary>
    [LibraryImport(Library, EntryPoint = "fcntl", SetLastError = true)]
    public static partial int FileControl(int fd, int command, int argument);
}
