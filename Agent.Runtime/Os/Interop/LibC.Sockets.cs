using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;

namespace Agent.Runtime.Os.Interop;

/// <summary>The addresses of a socket the agent was handed as a descriptor (inetd mode).</summary>
[SuppressMessage("StyleCop.CSharp.NamingRules", "SA1310:FieldNamesMustNotContainUnderscore", Justification = "Constants keep their libc names.")]
internal static unsafe partial class LibC
{
    public const ushort AF_INET = 2;
    public const ushort AF_INET6 = 10;

    /// <summary>Bytes of <c>struct sockaddr_storage</c>.</summary>
    public const int SocketAddressStorageSize = 128;

    [LibraryImport(Library, EntryPoint = "getsockname", SetLastError = true)]
    public static partial int GetSocketName(int fd, byte* address, uint* length);

    [LibraryImport(Library, EntryPoint = "getpeername", SetLastError = true)]
    public static partial int GetPeerName(int fd, byte* address, uint* length);
}
