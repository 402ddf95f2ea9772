using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Agent.Runtime.Sshd.Sftp;

/// <summary>
/// The file system calls of the SFTP server, each returning 0 or the <c>errno</c> of the failure (so replies can
/// say what OpenSSH would). Paths are byte strings carried in .NET strings one byte per char (Latin-1), so any
/// file name the kernel accepts goes through unchanged.
/// </summary>
internal static unsafe class SftpFileSystem
{
    private const int MaxSymbolicLinkLength = 4096;

    private delegate int PathFunction(byte* path);

    private delegate int TwoPathFunction(byte* first, byte* second);

    public static Encoding Bytes => Encoding.Latin1;

    public static int Stat(string path, bool followLinks, out SftpFileStatus status)
    {
        status = default;
        if (!TryNative(path, out var native))
            return SftpNative.EINVAL;
        var buffer = stackalloc byte[SftpNative.StatxSize];
        fixed (byte* p = native)
        {
            var flags = followLinks ? 0 : SftpNative.AT_SYMLINK_NOFOLLOW;
            if (SftpNative.Statx(SftpNative.AT_FDCWD, p, flags, SftpNative.STATX_BASIC_STATS, buffer) != 0)
                return Marshal.GetLastPInvokeError();
        }

        status = FromStatx(new ReadOnlySpan<byte>(buffer, SftpNative.StatxSize));
        return 0;
    }

    public static int Stat(SafeFileHandle file, out SftpFileStatus status)
    {
        status = default;
        var buffer = stackalloc byte[SftpNative.StatxSize];
        var empty = stackalloc byte[1];
        empty[0] = 0;
        if (SftpNative.Statx(Fd(file), empty, SftpNative.AT_EMPTY_PATH, SftpNative.STATX_BASIC_STATS, buffer) != 0)
            return Marshal.GetLastPInvokeError();
        status = FromStatx(new ReadOnlySpan<byte>(buffer, SftpNative.StatxSize));
        return 0;
    }

    public static int Open(string path, int flags, uint mode, out SafeFileHandle? file)
    {
        file = null;
        if (!TryNative(path, out var native))
            return SftpNative.EINVAL;
        int fd;
        fixed (byte* p = native)
            fd = SftpNative.Open(p, flags | SftpNative.O_CLOEXEC | SftpNative.O_NOCTTY, mode);
        if (fd < 0)
            return Marshal.GetLastPInvokeError();
        file = new SafeFileHandle(fd, ownsHandle: true);
        return 0;
    }

    public static int FileSystemStatus(string path, out SftpFileSystemStatus status)
    {
        status = default;
        if (!TryNative(path, out var native))
            return SftpNative.EINVAL;
        var buffer = stackalloc byte[SftpNative.StatvfsSize];
        fixed (byte* p = native)
        {
            if (SftpNative.Statvfs(p, buffer) != 0)
                return Marshal.GetLastPInvokeError();
        }

        status = FromStatvfs(new ReadOnlySpan<byte>(buffer, SftpNative.StatvfsSize));
        return 0;
    }

    public static int FileSystemStatus(SafeFileHandle file, out SftpFileSystemStatus status)
    {
        status = default;
        var buffer = stackalloc byte[SftpNative.StatvfsSize];
        if (SftpNative.Fstatvfs(Fd(file), buffer) != 0)
            return Marshal.GetLastPInvokeError();
        status = FromStatvfs(new ReadOnlySpan<byte>(buffer, SftpNative.StatvfsSize));
        return 0;
    }

    public static int Truncate(string path, ulong size)
        => size > long.MaxValue ? SftpNative.EINVAL : PathCall(path, p => SftpNative.Truncate(p, (long)size));

    public static int Truncate(SafeFileHandle file, ulong size)
        => size > long.MaxValue ? SftpNative.EINVAL : Result(SftpNative.Ftruncate(Fd(file), (long)size));

    public static int ChangeMode(string path, uint mode, bool followLinks)
        => PathCall(path, p => SftpNative.Fchmodat(SftpNative.AT_FDCWD, p, mode & 0xFFF, followLinks ? 0 : SftpNative.AT_SYMLINK_NOFOLLOW));

    public static int ChangeMode(SafeFileHandle file, uint mode) => Result(SftpNative.Fchmod(Fd(file), mode & 0xFFF));

    public static int ChangeOwner(string path, uint uid, uint gid, bool followLinks)
        => PathCall(path, p => SftpNative.Fchownat(SftpNative.AT_FDCWD, p, uid, gid, followLinks ? 0 : SftpNative.AT_SYMLINK_NOFOLLOW));

    public static int ChangeOwner(SafeFileHandle file, uint uid, uint gid) => Result(SftpNative.Fchown(Fd(file), uid, gid));

    public static int SetTimes(string path, uint accessTime, uint modificationTime, bool followLinks)
    {
        var times = stackalloc long[4] { accessTime, 0, modificationTime, 0 };
        return PathCall(path, p => SftpNative.Utimensat(SftpNative.AT_FDCWD, p, times, followLinks ? 0 : SftpNative.AT_SYMLINK_NOFOLLOW));
    }

    public static int SetTimes(SafeFileHandle file, uint accessTime, uint modificationTime)
    {
        var times = stackalloc long[4] { accessTime, 0, modificationTime, 0 };
        return Result(SftpNative.Futimens(Fd(file), times));
    }

    public static int Sync(SafeFileHandle file) => Result(SftpNative.Fsync(Fd(file)));

    public static int MakeDirectory(string path, uint mode) => PathCall(path, p => SftpNative.Mkdir(p, mode & 0xFFF));

    public static int RemoveDirectory(string path) => PathCall(path, p => SftpNative.Rmdir(p));

    public static int Unlink(string path) => PathCall(path, p => SftpNative.Unlink(p));

    public static int Rename(string oldPath, string newPath) => PathCall(oldPath, newPath, (o, n) => SftpNative.Rename(o, n));

    public static int Link(string oldPath, string newPath) => PathCall(oldPath, newPath, (o, n) => SftpNative.Link(o, n));

    /// <summary><c>symlink(target, linkPath)</c>: creates <paramref name="linkPath"/> pointing at <paramref name="target"/>.</summary>
    public static int Symlink(string target, string linkPath) => PathCall(target, linkPath, (t, l) => SftpNative.Symlink(t, l));

    public static int ReadLink(string path, out string target)
    {
        target = string.Empty;
        if (!TryNative(path, out var native))
            return SftpNative.EINVAL;
        var buffer = new byte[MaxSymbolicLinkLength];
        nint length;
        fixed (byte* p = native)
        {
            fixed (byte* b = buffer)
                length = SftpNative.Readlink(p, b, (nuint)buffer.Length);
        }

        if (length < 0)
            return Marshal.GetLastPInvokeError();
        if (length >= buffer.Length)
            return SftpNative.ENAMETOOLONG;
        target = Bytes.GetString(buffer, 0, (int)length);
        return 0;
    }

    public static int OpenDirectory(string path, out nint directory)
    {
        directory = 0;
        if (!TryNative(path, out var native))
            return SftpNative.EINVAL;
        fixed (byte* p = native)
            directory = SftpNative.Opendir(p);
        return directory == 0 ? Marshal.GetLastPInvokeError() : 0;
    }

    /// <summary>The next entry's name, or null at the end of the directory.</summary>
    public static int ReadDirectory(nint directory, out string? name)
    {
        name = null;
        Marshal.SetLastPInvokeError(0);
        var entry = SftpNative.Readdir(directory);
        if (entry == null)
            return Marshal.GetLastPInvokeError();
        var start = entry + SftpNative.DirentNameOffset;
        var span = MemoryMarshal.CreateReadOnlySpanFromNullTerminated(start);
        name = Bytes.GetString(span);
        return 0;
    }

    public static void CloseDirectory(nint directory) => SftpNative.Closedir(directory);

    private static int Fd(SafeFileHandle file) => (int)file.DangerousGetHandle();

    private static int Result(int returned) => returned == 0 ? 0 : Marshal.GetLastPInvokeError();

    private static int PathCall(string path, PathFunction call)
    {
        if (!TryNative(path, out var native))
            return SftpNative.EINVAL;
        fixed (byte* p = native)
            return Result(call(p));
    }

    private static int PathCall(string first, string second, TwoPathFunction call)
    {
        if (!TryNative(first, out var a) || !TryNative(second, out var b))
            return SftpNative.EINVAL;
        fixed (byte* pa = a)
        {
            fixed (byte* pb = b)
                return Result(call(pa, pb));
        }
    }

    private static bool TryNative(string path, out byte[] native)
    {
        native = [];
        if (path.Contains('\0', StringComparison.Ordinal))
            return false;
        foreach (var c in path)
        {
            if (c > 0xFF)
                return false;
        }

        native = new byte[path.Length + 1];
        Bytes.GetBytes(path, native);
        return true;
    }

    private static SftpFileStatus FromStatx(ReadOnlySpan<byte> statx) => new(
        Mode: BinaryPrimitives.ReadUInt16LittleEndian(statx[28..]),
        Uid: BinaryPrimitives.ReadUInt32LittleEndian(statx[20..]),
        Gid: BinaryPrimitives.ReadUInt32LittleEndian(statx[24..]),
        Size: BinaryPrimitives.ReadUInt64LittleEndian(statx[40..]),
        LinkCount: BinaryPrimitives.ReadUInt32LittleEndian(statx[16..]),
        AccessTime: BinaryPrimitives.ReadInt64LittleEndian(statx[64..]),
        ModificationTime: BinaryPrimitives.ReadInt64LittleEndian(statx[112..]));

    private static SftpFileSystemStatus FromStatvfs(ReadOnlySpan<byte> s)
    {
        var flags = Field(s, 9);
        var wireFlags = ((flags & SftpNative.ST_RDONLY) != 0 ? 1UL : 0) | ((flags & SftpNative.ST_NOSUID) != 0 ? 2UL : 0);
        return new SftpFileSystemStatus(
            Field(s, 0), Field(s, 1), Field(s, 2), Field(s, 3), Field(s, 4), Field(s, 5), Field(s, 6), Field(s, 7), Field(s, 8), wireFlags, Field(s, 10));
    }

    private static ulong Field(ReadOnlySpan<byte> statvfs, int index) => BinaryPrimitives.ReadUInt64LittleEndian(statvfs[(index * 8)..]);
}
