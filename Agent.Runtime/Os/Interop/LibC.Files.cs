using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;

namespace Agent.Runtime.Os.Interop;

/// <summary>The calls that create the agent's own files without following links, and close descriptors in children.</summary>
[SuppressMessage("StyleCop.CSharp.NamingRules", "SA1310:FieldNamesMustNotContainUnderscore", Justification = "Constants keep their libc names.")]
internal static unsafe partial class LibC
{
    public const int EACCES = 13;
    public const int EEXIST = 17;
    public const int ELOOP = 40;
    public const int ENXIO = 6;
    public const int EISDIR = 21;

    public const int O_WRONLY = 0x1;
    public const int O_CREAT = 0x40;
    public const int O_EXCL = 0x80;
    public const int O_APPEND = 0x400;
    public const int O_NONBLOCK = 0x800;
    public const int O_NOFOLLOW = 0x20000;
    public const int O_DIRECTORY = 0x10000;

    public const int AT_EMPTY_PATH = 0x1000;
    public const int AT_SYMLINK_NOFOLLOW = 0x100;
    public const uint STATX_BASIC_STATS = 0x7ff;

    /// <summary>Bytes of <c>struct statx</c> (one layout on every architecture).</summary>
    public const int StatxSize = 256;

    /// <summary>Offsets in <c>struct statx</c>.</summary>
    public const int StatxLinkCountOffset = 16;
    public const int StatxUidOffset = 20;
    public const int StatxModeOffset = 28;

    /// <summary>The file-type bits of <c>st_mode</c> and the regular-file and directory types.</summary>
    public const int S_IFMT = 0xF000;
    public const int S_IFREG = 0x8000;
    public const int S_IFDIR = 0x4000;

    [LibraryImport(Library, EntryPoint = "geteuid")]
    public static partial uint GetEffectiveUid();

    [LibraryImport(Library, EntryPoint = "open", SetLastError = true)]
    public static partial int Open(byte* path, int flags, uint mode);

    [LibraryImport(Library, EntryPoint = "statx", SetLastError = true)]
    public static partial int Statx(int dirFd, byte* path, int flags, uint mask, byte* buffer);

    [LibraryImport(Library, EntryPoint = "fchmod", SetLastError = true)]
    public static partial int Fchmod(int fd, uint mode);

    [LibraryImport(Library, EntryPoint = "ftruncate", SetLastError = true)]
    public static partial int Ftruncate(int fd, long length);

    [LibraryImport(Library, EntryPoint = "unlink", SetLastError = true)]
    public static partial int Unlink(byte* path);

    [LibraryImport(Library, EntryPoint = "rename", SetLastError = true)]
    public static partial int Rename(byte* oldPath, byte* newPath);

    /// <summary>glibc ≥ 2.34: closes every descriptor from <paramref name="lowFd"/> up in the child.</summary>
    [LibraryImport(Library, EntryPoint = "posix_spawn_file_actions_addclosefrom_np")]
    public static partial int FileActionsAddCloseFrom(void* fileActions, int lowFd);
}
