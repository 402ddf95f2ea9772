using System.Runtime.InteropServices;
using Agent.Runtime.Os.Interop;

namespace Agent.Runtime.Os.Processes;

/// <summary>
/// The native memory one <c>posix_spawn</c> call needs: its attributes and file actions (initialised), and scratch
/// space for a signal set. Disposing destroys and frees them.
/// </summary>
internal sealed unsafe class SpawnBuffers : IDisposable
{
    private bool _attributesReady;
    private bool _fileActionsReady;
    private bool _disposed;

    private SpawnBuffers()
    {
        Attributes = NativeMemory.AllocZeroed(LibC.SpawnAttributesSize);
        FileActions = NativeMemory.AllocZeroed(LibC.FileActionsSize);
        Signals = NativeMemory.AllocZeroed(LibC.SignalSetSize);
    }

    public void* Attributes { get; }

    public void* FileActions { get; }

    public void* Signals { get; }

    /// <summary>Allocates and initialises the attributes and the file actions.</summary>
    public static SpawnBuffers Create()
    {
        var buffers = new SpawnBuffers();
        try
        {
            SpawnBuilder.Check(LibC.SpawnAttributesInit(buffers.Attributes), "posix_spawnattr_init");
            buffers._attributesReady = true;
            SpawnBuilder.Check(LibC.FileActionsInit(buffers.FileActions), "posix_spawn_file_actions_init");
            buffers._fileActionsReady = true;
            return buffers;
        }
        catch
        {
            buffers.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        if (_fileActionsReady)
            _ = LibC.FileActionsDestroy(FileActions);
        if (_attributesReady)
            _ = LibC.SpawnAttributesDestroy(Attributes);
        NativeMemory.Free(Signals);
        NativeMemory.Free(FileActions);
        NativeMemory.Free(Attributes);
    }
}
