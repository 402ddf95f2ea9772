using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Agent.Runtime.Os.Interop;

/// <summary>
/// Opens a file the agent writes (its logs) without trusting what is already at the path: <c>O_NOFOLLOW</c>,
/// <c>O_CLOEXEC</c>, no truncation before the file was checked, mode 0600 set on the descriptor. What is there must
/// be a regular file of this user with one link; a symbolic link, a FIFO, a device, another user's file or a hard
/// link is unlinked and a new file made with <c>O_CREAT|O_EXCL</c>. When it cannot be unlinked (another user's file
/// in a sticky directory) the open fails with an <see cref="IOException"/> saying why, and nothing was written.
/// </summary>
public static unsafe class PrivateFile
{
    /// <summary>Mode 0600.</summary>
    public const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>The effective user id of this process.</summary>
    public static uint CurrentUser => LibC.GetEffectiveUid();

    /// <summary>
    /// Opens <paramref name="path"/> for writing, emptied unless <paramref name="append"/>. <paramref name="replaced"/>
    /// says what was at the path and was removed (null when the path was free or already held this user's file).
    /// </summary>
    public static SafeFileHandle OpenForWrite(string path, bool append, out string? replaced)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (OperatingSystem.IsWindows())
            throw new PlatformNotSupportedException("Private files need a POSIX file system.");
        replaced = null;
        var pathBytes = Utf8StringArray.Allocate(path);
        try
        {
            // O_NONBLOCK: opening a FIFO for writing does not wait for a reader (ENXIO instead); no effect on files.
            var flags = LibC.O_WRONLY | LibC.O_CREAT | LibC.O_NOFOLLOW | LibC.O_CLOEXEC | LibC.O_NONBLOCK | (append ? LibC.O_APPEND : 0);
            var fd = LibC.Open(pathBytes, flags, (uint)OwnerReadWrite);
            if (fd < 0)
            {
                var error = Marshal.GetLastPInvokeError();
                replaced = error switch
                {
                    LibC.ELOOP => "a symbolic link",
                    LibC.ENXIO => "a FIFO or socket",
                    LibC.EISDIR => "a directory",

                    // Linux refuses O_CREAT|O_NOFOLLOW on another user's link in a sticky directory with EACCES.
                    LibC.EACCES => "a link or file this user may not write",
                    _ => throw Failure(path, "cannot open", error),
                };
            }
            else
            {
                replaced = Unsafe(fd);
                if (replaced is not null)
                    _ = LibC.Close(fd);
            }

            if (replaced is not null)
            {
                if (LibC.Unlink(pathBytes) != 0)
                    throw Failure(path, $"is {replaced} and cannot be removed", Marshal.GetLastPInvokeError());
                fd = CreateExclusive(path, pathBytes, append ? LibC.O_APPEND : 0);
            }

            return MakePrivate(path, fd, truncate: !append);
        }
        finally
        {
            NativeMemory.Free(pathBytes);
        }
    }

    /// <summary>
    /// Creates <paramref name="path"/>, which must not exist (<c>O_CREAT|O_EXCL|O_NOFOLLOW</c>: nothing already at the
    /// path, a planted link included, is opened or followed), with mode 0600 from the start: no other user can open it
    /// at any moment. For secrets written under a fresh random name in a shared directory.
    /// </summary>
    public static SafeFileHandle CreateNew(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (OperatingSystem.IsWindows())
            throw new PlatformNotSupportedException("Private files need a POSIX file system.");
        var pathBytes = Utf8StringArray.Allocate(path);
        try
        {
            return MakePrivate(path, CreateExclusive(path, pathBytes, 0), truncate: false);
        }
        finally
        {
            NativeMemory.Free(pathBytes);
        }
    }

    /// <summary>
    /// Sets the mode of the directory <paramref name="path"/> on a descriptor opened with <c>O_NOFOLLOW</c>: a link in
    /// its place is refused (<see cref="IOException"/>), never followed.
    /// </summary>
    public static void SetDirectoryMode(string path, UnixFileMode mode)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (OperatingSystem.IsWindows())
            return;
        var pathBytes = Utf8StringArray.Allocate(path);
        try
        {
            var fd = LibC.Open(pathBytes, LibC.O_RDONLY | LibC.O_DIRECTORY | LibC.O_NOFOLLOW | LibC.O_CLOEXEC, 0);
            if (fd < 0)
                throw Failure(path, "cannot be opened as a directory", Marshal.GetLastPInvokeError());
            var result = LibC.Fchmod(fd, (uint)mode);
            var error = Marshal.GetLastPInvokeError();
            _ = LibC.Close(fd);
            if (result != 0)
                throw Failure(path, "cannot be made private", error);
        }
        finally
        {
            NativeMemory.Free(pathBytes);
        }
    }

    /// <summary>The owner of <paramref name="path"/> (not following a final link), or null when it does not exist.</summary>
    public static uint? Owner(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var pathBytes = Utf8StringArray.Allocate(path);
        var buffer = stackalloc byte[LibC.StatxSize];
        try
        {
            if (LibC.Statx(-100, pathBytes, LibC.AT_SYMLINK_NOFOLLOW, LibC.STATX_BASIC_STATS, buffer) != 0)
                return null;
            return BinaryPrimitives.ReadUInt32LittleEndian(new ReadOnlySpan<byte>(buffer + LibC.StatxUidOffset, 4));
        }
        finally
        {
            NativeMemory.Free(pathBytes);
        }
    }

    /// <summary>
    /// Opens <paramref name="path"/> for reading without waiting: <c>O_NONBLOCK</c>, so a FIFO planted at the path does
    /// not hang the open (check what was opened, e.g. with <see cref="NotOwnerOnly"/>, before reading).
    /// </summary>
    /// <exception cref="IOException">The path cannot be opened; the message says why.</exception>
    public static SafeFileHandle OpenForRead(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (OperatingSystem.IsWindows())
            throw new PlatformNotSupportedException("Private files need a POSIX file system.");
        var pathBytes = Utf8StringArray.Allocate(path);
        try
        {
            var fd = LibC.Open(pathBytes, LibC.O_RDONLY | LibC.O_NONBLOCK | LibC.O_CLOEXEC, 0);
            if (fd < 0)
                throw Failure(path, "cannot be opened", Marshal.GetLastPInvokeError());
            return new SafeFileHandle(fd, ownsHandle: true);
        }
        finally
        {
            NativeMemory.Free(pathBytes);
        }
    }

    /// <summary>
    /// Why the open file must not hold a private key, as sshd judges host and identity keys (<c>sshkey_perm_ok</c>), or
    /// null when it is a regular file of this user (or root) that group and others can neither read nor write. A key
    /// another user could read is no longer secret; one another user owns could be swapped.
    /// </summary>
    public static string? NotOwnerOnly(SafeFileHandle file)
    {
        ArgumentNullException.ThrowIfNull(file);
        Span<byte> status = stackalloc byte[LibC.StatxSize];
        if (!TryStatus(file, status, out var error))
            return $"cannot be examined: {Marshal.GetPInvokeErrorMessage(error)}";
        var mode = BinaryPrimitives.ReadUInt16LittleEndian(status[LibC.StatxModeOffset..]);
        var owner = BinaryPrimitives.ReadUInt32LittleEndian(status[LibC.StatxUidOffset..]);
        if ((mode & LibC.S_IFMT) != LibC.S_IFREG)
            return "is not a regular file";
        if (owner != LibC.GetEffectiveUid() && owner != 0)
            return $"belongs to user {owner}, not to this user ({LibC.GetEffectiveUid()}) or root";
        const int GroupAndOthers = 0b000_111_111;
        return (mode & GroupAndOthers) != 0
            ? $"has mode {Convert.ToString(mode & 0xFFF, 8).PadLeft(4, '0')}: a private key must not be accessible by group or others (chmod 600)"
            : null;
    }

    /// <summary>Whether the open file is a regular file (not a FIFO, device, socket or directory).</summary>
    public static bool IsRegularFile(SafeFileHandle file)
    {
        ArgumentNullException.ThrowIfNull(file);
        Span<byte> status = stackalloc byte[LibC.StatxSize];
        return TryStatus(file, status, out _) && (BinaryPrimitives.ReadUInt16LittleEndian(status[LibC.StatxModeOffset..]) & LibC.S_IFMT) == LibC.S_IFREG;
    }

    // O_CREAT|O_EXCL|O_NOFOLLOW with mode 0600: nothing already at the path is opened or followed.
    private static int CreateExclusive(string path, byte* pathBytes, int flags)
    {
        var fd = LibC.Open(pathBytes, LibC.O_WRONLY | LibC.O_CREAT | LibC.O_EXCL | LibC.O_NOFOLLOW | LibC.O_CLOEXEC | flags, (uint)OwnerReadWrite);
        if (fd < 0)
            throw Failure(path, "cannot be created", Marshal.GetLastPInvokeError());
        return fd;
    }

    // Owns fd from here on. The umask can only take bits away; fchmod makes the mode exact whatever it is.
    private static SafeFileHandle MakePrivate(string path, int fd, bool truncate)
    {
        var handle = new SafeFileHandle(fd, ownsHandle: true);
        if (LibC.Fchmod(fd, (uint)OwnerReadWrite) != 0 || (truncate && LibC.Ftruncate(fd, 0) != 0))
        {
            var error = Marshal.GetLastPInvokeError();
            handle.Dispose();
            throw Failure(path, "cannot be made private", error);
        }

        return handle;
    }

    private static bool TryStatus(SafeFileHandle file, Span<byte> status, out int error)
    {
        var added = false;
        byte empty = 0;
        try
        {
            file.DangerousAddRef(ref added);
            fixed (byte* buffer = status)
            {
                var ok = LibC.Statx((int)file.DangerousGetHandle(), &empty, LibC.AT_EMPTY_PATH, LibC.STATX_BASIC_STATS, buffer) == 0;
                error = ok ? 0 : Marshal.GetLastPInvokeError();
                return ok;
            }
        }
        finally
        {
            if (added)
                file.DangerousRelease();
        }
    }

    // Why the open file must not be used, or null when it is this user's regular file with one link.
    private static string? Unsafe(int fd)
    {
        var buffer = stackalloc byte[LibC.StatxSize];
        byte empty = 0;
        if (LibC.Statx(fd, &empty, LibC.AT_EMPTY_PATH, LibC.STATX_BASIC_STATS, buffer) != 0)
            return "a file that cannot be examined";
        var status = new ReadOnlySpan<byte>(buffer, LibC.StatxSize);
        var mode = BinaryPrimitives.ReadUInt16LittleEndian(status[LibC.StatxModeOffset..]);
        var owner = BinaryPrimitives.ReadUInt32LittleEndian(status[LibC.StatxUidOffset..]);
        var links = BinaryPrimitives.ReadUInt32LittleEndian(status[LibC.StatxLinkCountOffset..]);
        if ((mode & LibC.S_IFMT) != LibC.S_IFREG)
            return "not a regular file";
        if (owner != LibC.GetEffectiveUid())
            return $"a file of user {owner}";
        return links != 1 ? $"a file with {links} hard links" : null;
    }

    private static IOException Failure(string path, string what, int error)
        => new($"{path} {what}: {Marshal.GetPInvokeErrorMessage(error)}");
}
