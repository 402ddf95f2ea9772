using System.ComponentModel;
using System.Runtime.InteropServices;
using Agent.Runtime.Os.Interop;

namespace Agent.Runtime.Os.Processes;

/// <summary>The <c>posix_spawn</c> attributes and file actions every child gets, and the error check of the spawn calls.</summary>
internal static unsafe class SpawnSetup
{
    /// <summary>
    /// Initialises <paramref name="attributes"/>: a new process group (pgid = pid, so the whole group can be signalled),
    /// every signal back to its default (.NET ignores SIGPIPE, and an ignored signal would survive exec) and nothing
    /// blocked. <paramref name="signals"/> is scratch space of <see cref="LibC.SignalSetSize"/> bytes.
    /// </summary>
    public static void NewProcessGroup(void* attributes, void* signals)
    {
        DefaultSignals(attributes, signals, LibC.POSIX_SPAWN_SETPGROUP);
        Check(LibC.SpawnAttributesSetProcessGroup(attributes, 0), "posix_spawnattr_setpgroup");
    }

    /// <summary>
    /// Sets the flags of <paramref name="attributes"/> to <paramref name="flags"/> plus every signal back to its
    /// default and nothing blocked. <paramref name="signals"/> is scratch space of <see cref="LibC.SignalSetSize"/> bytes.
    /// </summary>
    public static void DefaultSignals(void* attributes, void* signals, short flags)
    {
        Check(LibC.SpawnAttributesSetFlags(attributes, (short)(flags | LibC.POSIX_SPAWN_SETSIGDEF | LibC.POSIX_SPAWN_SETSIGMASK)), "posix_spawnattr_setflags");
        _ = LibC.SignalFillSet(signals);
        Check(LibC.SpawnAttributesSetSignalDefault(attributes, signals), "posix_spawnattr_setsigdefault");
        _ = LibC.SignalEmptySet(signals);
        Check(LibC.SpawnAttributesSetSignalMask(attributes, signals), "posix_spawnattr_setsigmask");
    }

    /// <summary>
    /// Adds the last file action of every spawn: close every descriptor above 2, so a child keeps only its standard
    /// streams whatever the agent holds or inherited without <c>O_CLOEXEC</c> (sockets, log files, pipes, a PTY master).
    /// </summary>
    public static void CloseInheritedDescriptors(void* fileActions)
        => Check(LibC.FileActionsAddCloseFrom(fileActions, 3), "posix_spawn_file_actions_addclosefrom_np");

    /// <summary>Throws when a spawn call returned an error number.</summary>
    public static void Check(int error, string call)
    {
        if (error != 0)
            throw new Win32Exception(error, call + " failed: " + Marshal.GetPInvokeErrorMessage(error));
    }
}
