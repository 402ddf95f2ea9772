using System.Runtime.InteropServices;

namespace Agent.Runtime.Os.Interop;

/// <summary><c>statvfs</c>: the size and free space of the file system that holds a path.</summary>
internal static unsafe partial class LibC
{
    /// <summary>Bytes reserved for <c>struct statvfs</c> (112 on 64-bit glibc).</summary>
    public const int StatVfsSize = 256;

    /// <summary>Offsets in <c>struct statvfs</c> on 64-bit glibc: f_frsize, f_blocks, f_bfree (each an unsigned long).</summary>
    public const int StatVfsFragmentSizeOffset = 8;
    public const int StatVfsBlocksOffset = 16;
    public const int StatVfsFreeBlocksOffset = 24;

    [LibraryImport(Library, EntryPoint = "statvfs", SetLastError = true)]
    public static partial int StatVfs(byte* path, byte* buffer);
}
