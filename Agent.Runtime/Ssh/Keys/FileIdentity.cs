using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using Agent.Runtime.Os.Interop;
using Microsoft.Win32.SafeHandles;

namespace Agent.Runtime.Ssh.Keys;

/// <summary>
/// Which file a path names and which version of it: device, inode, size, modification and change times (ns), from
/// <c>statx</c> (Linux; one structure layout on every architecture). Two equal identities mean an unchanged file.
/// </summary>
internal readonly record struct FileIdentity(ulong Device, ulong Inode, long Size, long ModifiedNanoseconds, long ChangedNanoseconds, bool IsRegularFile)
{
    private const int AtFdCwd = -100;
    private const int Enoent = 2;
    private const int Enotdir = 20;

    /// <summary>The identity of what <paramref name="path"/> names (symbolic links followed); <c>null</c> when nothing is there.</summary>
    /// <exception cref="IOException">statx failed otherwise (e.g. a directory on the way is not searchable).</exception>
    public static unsafe FileIdentity? OfPath(string path)
    {
        var bytes = Encoding.UTF8.GetBytes(path + '\0');
        var buffer = stackalloc byte[LibC.StatxSize];
        fixed (byte* p = bytes)
        {
            if (LibC.Statx(AtFdCwd, p, 0, LibC.STATX_BASIC_STATS, buffer) != 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                return errno is Enoent or Enotdir ? null : throw new IOException($"statx {path}: {Marshal.GetPInvokeErrorMessage(errno)}");
            }
        }

        return From(new ReadOnlySpan<byte>(buffer, LibC.StatxSize));
    }

    /// <summary>The identity of the open file <paramref name="handle"/>.</summary>
    public static unsafe FileIdentity Of(SafeFileHandle handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        var buffer = stackalloc byte[LibC.StatxSize];
        byte empty = 0;
        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            if (LibC.Statx((int)handle.DangerousGetHandle(), &empty, LibC.AT_EMPTY_PATH, LibC.STATX_BASIC_STATS, buffer) != 0)
                throw new IOException("statx: " + Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError()));
        }
        finally
        {
            if (added)
                handle.DangerousRelease();
        }

        return From(new ReadOnlySpan<byte>(buffer, LibC.StatxSize));
    }

    // struct statx: stx_mode u16 @28, stx_ino @32, stx_size @40, stx_ctime @96, stx_mtime @112 (tv_sec i64, tv_nsec u32),
    // stx_dev_major/minor u32 @136/@140.
    private static FileIdentity From(ReadOnlySpan<byte> statx) => new(
        Device: ((ulong)BinaryPrimitives.ReadUInt32LittleEndian(statx[136..]) << 32) | BinaryPrimitives.ReadUInt32LittleEndian(statx[140..]),
        Inode: BinaryPrimitives.ReadUInt64LittleEndian(statx[32..]),
        Size: BinaryPrimitives.ReadInt64LittleEndian(statx[40..]),
        ModifiedNanoseconds: Nanoseconds(statx[112..]),
        ChangedNanoseconds: Nanoseconds(statx[96..]),
        IsRegularFile: (BinaryPrimitives.ReadUInt16LittleEndian(statx[LibC.StatxModeOffset..]) & LibC.S_IFMT) == LibC.S_IFREG);

    private static long Nanoseconds(ReadOnlySpan<byte> timestamp)
        => (BinaryPrimitives.ReadInt64LittleEndian(timestamp) * 1_000_000_000) + BinaryPrimitives.ReadUInt32LittleEndian(timestamp[8..]);
}
