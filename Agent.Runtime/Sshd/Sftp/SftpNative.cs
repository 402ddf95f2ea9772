using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;

namespace Agent.Runtime.Sshd.Sftp;

/// <summary>
/// The libc calls the SFTP server makes (Linux, glibc, 64-bit). Paths are NUL-terminated byte strings, so file
/// names that are not UTF-8 survive. Structures with an architecture-specific layout are avoided: file status
/// comes from <c>statx</c> (one layout everywhere), <c>statvfs</c> and <c>dirent</c> have the same layout on
/// x86-64 and arm64.
/// </summary>
[SuppressMessage("StyleCop.CSharp.NamingRules", "SA1310:FieldNamesMustNotContainUnderscore", Justification = "Constants keep their libc names.")]
internal static unsafe partial class SftpNative
{
    public const int ENOENT = 2;
    public const int EBADF = 9;
    public const int EACCES = 13;
    public const int EPERM = 1;
    public const int EFAULT = 14;
    public const int EEXIST = 17;
    public const int EXDEV = 18;
    public const int ENOTDIR = 20;
    public const int EINVAL = 22;
    public const int ENAMETOOLONG = 36;
    public const int ENOSYS = 38;
    public const int ELOOP = 40;
    public const int EOPNOTSUPP = 95;

    public const int O_RDONLY = 0;
    public const int O_WRONLY = 1;
    public const int O_RDWR = 2;
    public const int O_CREAT = 0x40;
    public const int O_EXCL = 0x80;
    public const int O_NOCTTY = 0x100;
    public const int O_TRUNC = 0x200;
    public const int O_APPEND = 0x400;
    public const int O_CLOEXEC = 0x80000;

    public const int AT_FDCWD = -100;
    public const int AT_SYMLINK_NOFOLLOW = 0x100;
    public const int AT_EMPTY_PATH = 0x1000;

    public const uint STATX_BASIC_STATS = 0x7ff;

    /// <summary>Bytes of <c>struct statx</c>.</summary>
    public const int StatxSize = 256;

    /// <summary>Bytes reserved for <c>struct statvfs</c> (112 on 64-bit glibc).</summary>
    public const int StatvfsSize = 256;

    /// <summary>Offset of <c>d_name</c> in glibc's 64-bit <c>struct dirent</c>.</summary>
    public const int DirentNameOffset = 19;

    public const ulong ST_RDONLY = 1;
    public const ulong ST_NOSUID = 2;

    private const string Library = "libc";

    [LibraryImport(Library, EntryPoint = "open", SetLastError = true)]
    public static partial int Open(byte* path, int flags, uint mode);

    [LibraryImport(Library, EntryPoint = "statx", SetLastError = true)]
    public static partial int Statx(int dirFd, byte* path, int flags, uint mask, byte* buffer);

    [LibraryImport(Library, EntryPoint = "statvfs", SetLastError = true)]
    public static partial int Statvfs(byte* path, byte* buffer);

    [LibraryImport(Library, EntryPoint = "fstatvfs", SetLastError = true)]
    public static partial int Fstatvfs(int fd, byte* buffer);

    [LibraryImport(Library, EntryPoint = "truncate", SetLastError = true)]
    public static partial int Truncate(byte* path, long length);

    [LibraryImport(Library, EntryPoint = "ftruncate", SetLastError = true)]
    public static partial int Ftruncate(int fd, long length);

    [LibraryImport(Library, EntryPoint = "fchmodat", SetLastError = true)]
    public static partial int Fchmodat(int dirFd, byte* path, uint mode, int flags);

    [LibraryImport(Library, EntryPoint = "fchmod", SetLastError = true)]
    public static partial int Fchmod(int fd, uint mode);

    [LibraryImport(Library, EntryPoint = "fchownat", SetLastError = true)]
    public static partial int Fchownat(int dirFd, byte* path, uint uid, uint gid, int flags);

    [LibraryImport(Library, EntryPoint = "fchown", SetLastError = true)]
    public static partial int Fchown(int fd, uint uid, uint gid);

    /// <summary><c>times</c> points to two <c>struct timespec</c> (access, modification): 4 longs.</summary>
    [LibraryImport(Library, EntryPoint = "utimensat", SetLastError = true)]
    public static partial int Utimensat(int dirFd, byte* path, long* times, int flags);

    [LibraryImport(Library, EntryPoint = "futimens", SetLastError = true)]
    public static partial int Futimens(int fd, long* times);

    [LibraryImport(Library, EntryPoint = "fsync", SetLastError = true)]
    public static partial int Fsync(int fd);

    [LibraryImport(Library, EntryPoint = "mkdir", SetLastError = true)]
    public static partial int Mkdir(byte* path, uint mode);

    [LibraryImport(Library, EntryPoint = "rmdir", SetLastError = true)]
    public static partial int Rmdir(byte* path);

    [LibraryImport(Library, EntryPoint = "unlink", SetLastError = true)]
    public static partial int Unlink(byte* path);

    [LibraryImport(Library, EntryPoint = "rename", SetLastError = true)]
    public static partial int Rename(byte* oldPath, byte* newPath);

    [LibraryImport(Library, EntryPoint = "link", SetLastError = true)]
    public static partial int Link(byte* oldPath, byte* newPath);

    [LibraryImport(Library, EntryPoint = "symlink", SetLastError = true)]
    public static partial int Symlink(byte* target, byte* linkPath);

    [LibraryImport(Library, EntryPoint = "readlink", SetLastError = true)]
    public static partial nint Readlink(byte* path, byte* buffer, nuint size);

    [LibraryImport(Library, EntryPoint = "opendir", SetLastError = true)]
    public static partial nint Opendir(byte* path);

    [LibraryImport(Library, EntryPoint = "readdir", SetLastError = true)]
    public static partial byte* Readdir(nint directory);

    [LibraryImport(Library, EntryPoint = "closedir", SetLastError = true)]
    public static partial int Closedir(nint directory);

    /// <summary><c>entry</c> points to a <c>struct passwd</c> (48 bytes; the name pointer comes first).</summary>
    [LibraryImport(Library, EntryPoint = "getpwuid_r")]
    public static partial int GetPasswordEntry(uint uid, byte* entry, byte* buffer, nuint bufferLength, byte** result);

    /// <summary><c>entry</c> points to a <c>struct group</c> (32 bytes; the name pointer comes first).</summary>
    [LibraryImport(Library, EntryPoint = "getgrgid_r")]
    public static partial int GetGroupEntry(uint gid, byte* entry, byte* buffer, nuint bufferLength, byte** result);
}
