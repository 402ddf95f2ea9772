using System.Collections;
using System.ComponentModel;
using System.Runtime.InteropServices;
using Agent.Runtime.Interop;

namespace Agent.Runtime.Processes;

/// <summary>
/// A program a client command runs in its place, as a shell would: looked up in <c>PATH</c>, on the command's own
/// standard streams and in its process group (a terminal's ^C reaches both), with this process's environment,
/// signals back to their defaults, nothing blocked and descriptors 0–2 only. A dedicated thread reaps it with
/// <c>waitpid</c>.
/// </summary>
internal sealed unsafe class ForegroundProcess
{
    private const int WaitThreadStackSize = 256 * 1024;

    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ForegroundProcess(int id) => Id = id;

    public int Id { get; }

    /// <summary>Completes with the exit code (128 + signal for a signal death) once the child is reaped.</summary>
    public Task<int> Exited => _exited.Task;

    /// <summary>Starts <paramref name="arguments"/>[0] with <paramref name="arguments"/> as its argv.</summary>
    /// <exception cref="Win32Exception">The program cannot be started (not found, not executable).</exception>
    public static ForegroundProcess Start(IReadOnlyList<string> arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        if (arguments.Count == 0)
            throw new ArgumentException("the program to run is missing", nameof(arguments));
        using var argv = new Utf8StringArray(arguments);
        using var envp = new Utf8StringArray(CurrentEnvironment());
        var file = Utf8StringArray.Allocate(arguments[0]);
        var attributes = NativeMemory.AllocZeroed(LibC.SpawnAttributesSize);
        var fileActions = NativeMemory.AllocZeroed(LibC.FileActionsSize);
        var signals = NativeMemory.AllocZeroed(LibC.SignalSetSize);
        var attributesReady = false;
        var fileActionsReady = false;
        try
        {
            SpawnSetup.Check(LibC.SpawnAttributesInit(attributes), "posix_spawnattr_init");
            attributesReady = true;
            SpawnSetup.Check(LibC.SpawnAttributesSetFlags(attributes, LibC.POSIX_SPAWN_SETSIGDEF | LibC.POSIX_SPAWN_SETSIGMASK), "posix_spawnattr_setflags");
            _ = LibC.SignalFillSet(signals);
            SpawnSetup.Check(LibC.SpawnAttributesSetSignalDefault(attributes, signals), "posix_spawnattr_setsigdefault");
            _ = LibC.SignalEmptySet(signals);
            SpawnSetup.Check(LibC.SpawnAttributesSetSignalMask(attributes, signals), "posix_spawnattr_setsigmask");
            SpawnSetup.Check(LibC.FileActionsInit(fileActions), "posix_spawn_file_actions_init");
            fileActionsReady = true;
            SpawnSetup.CloseInheritedDescriptors(fileActions);

            int pid;
            SpawnSetup.Check(LibC.PosixSpawnSearchPath(&pid, file, fileActions, attributes, argv.Pointer, envp.Pointer), "posix_spawnp " + arguments[0]);
            var process = new ForegroundProcess(pid);
            var reaper = new Thread(process.Reap, WaitThreadStackSize) { IsBackground = true, Name = "waitpid " + pid };
            reaper.Start();
            return process;
        }
        finally
        {
            if (fileActionsReady)
                _ = LibC.FileActionsDestroy(fileActions);
            if (attributesReady)
                _ = LibC.SpawnAttributesDestroy(attributes);
            NativeMemory.Free(signals);
            NativeMemory.Free(fileActions);
            NativeMemory.Free(attributes);
            NativeMemory.Free(file);
        }
    }

    /// <summary>Sends <paramref name="signal"/> to the child; false when it is gone.</summary>
    public bool Signal(int signal) => !_exited.Task.IsCompleted && LibC.Kill(Id, signal) == 0;

    private static List<string> CurrentEnvironment()
    {
        var result = new List<string>();
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            var name = (string)entry.Key;
            var value = (string?)entry.Value ?? string.Empty;
            if (name.Length > 0 && !name.Contains('=', StringComparison.Ordinal) && !name.Contains('\0', StringComparison.Ordinal) && !value.Contains('\0', StringComparison.Ordinal))
                result.Add(name + "=" + value);
        }

        return result;
    }

    private void Reap()
    {
        int status;
        while (true)
        {
            var result = LibC.WaitPid(Id, &status, 0);
            if (result == Id)
            {
                _exited.TrySetResult(LibC.DecodeWaitStatus(status));
                return;
            }

            var error = Marshal.GetLastPInvokeError();
            if (result < 0 && error == LibC.EINTR)
                continue;
            _exited.TrySetException(new Win32Exception(error, "waitpid failed"));
            return;
        }
    }
}
