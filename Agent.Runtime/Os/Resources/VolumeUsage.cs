using System.Runtime.InteropServices;
using Agent.Reactive.Effects;
using Agent.Runtime.Os.Interop;

namespace Agent.Runtime.Os.Resources;

/// <summary>A file system's size and use by <c>statvfs</c>: used = (f_blocks − f_bfree) × f_frsize of total = f_blocks × f_frsize, as <c>df</c> counts them.</summary>
internal static unsafe class VolumeUsage
{
    /// <exception cref="IOException">The path is not there or cannot be examined.</exception>
    public static ResourceUsage Of(string path)
    {
        var buffer = stackalloc byte[LibC.StatVfsSize];
        var name = Utf8StringArray.Allocate(path);
        try
        {
            if (LibC.StatVfs(name, buffer) != 0)
                throw new IOException($"statvfs {path}: {Marshal.GetLastPInvokeErrorMessage()}");
        }
        finally
        {
            NativeMemory.Free(name);
        }

        var fragment = *(ulong*)(buffer + LibC.StatVfsFragmentSizeOffset);
        var blocks = *(ulong*)(buffer + LibC.StatVfsBlocksOffset);
        var free = *(ulong*)(buffer + LibC.StatVfsFreeBlocksOffset);
        return new ResourceUsage((long)((blocks - free) * fragment), (long)(blocks * fragment));
    }
}
