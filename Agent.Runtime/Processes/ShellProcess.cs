using System.ComponentModel;
using System.Runtime.InteropServices;
using Agent.Runtime.Interop;

namespace Agent.Runtime.Processes;

/// <summary>
/// A child started with <c>posix_spawn</c> in its own process group (pgid = pid), signals reset to their
/// defaults and nothing blocked, stdin on <c>/dev/null</c>, stdout and stderr on the write end of one pipe.
/// A dedicated thread reaps it with <c>waitpid</c>, so it never stays a zombie.
/// </summary>
internal sealed unsafe class ShellProcess
{
    private const int WaitThreadStackSize = 256 * 1024;

    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ShellProcess(int id, int outputFd)
    {
        Id = id;
        OutputFd = outputFd;
    }

    public int Id { get; }

    /// <summary>The read end of the output pipe (close-on-exec); whoever reads it closes it.</summary>
    public int OutputFd { get; }

    /// <summary>Completes with the exit code (128 + signal for a signal death) once the child is reaped.</summary>
    public Task<int> Exited => _exited.Task;

    public bool HasExited => _exited.Task.IsCompleted;

    public static ShellProcess Start(string path, IReadOnlyList<string> arguments, IReadOnlyList<string> environment, string workingDirectory)
    {
        using var argv = new Utf8StringArray(arguments);
        using var envp = new Utf8StringArray(environment);
        var pathBytes = Utf8StringArray.Allocate(path);
        var directoryBytes = Utf8StringArray.Allocate(workingDirectory);
        var devNull = Utf8StringArray.Allocate("/dev/null");
        var attributes = NativeMemory.AllocZeroed(LibC.SpawnAttributesSize);
        var fileActions = NativeMemory.AllocZeroed(LibC.FileActionsSize);
        var signals = NativeMemory.AllocZeroed(LibC.SignalSetSize);
        var fds = stackalloc int[2];
        var pipeOpen = false;
        var attributesReady = false;
        var fileActionsReady = false;
        try
        {
            if (LibC.Pipe2(fds, LibC.O_CLOEXEC) != 0)
                throw new Win32Exception(Marshal.GetLastPInvokeError(), "pipe2 failed");
            pipeOpen = true;

            SpawnSetup.Check(LibC.SpawnAttributesInit(attributes), "posix_spawnattr_init");
            attributesReady = true;
            SpawnSetup.NewProcessGroup(attributes, signals);

            SpawnSetup.Check(LibC.FileActionsInit(fileActions), "posix_spawn_file_actions_init");
            fileActionsReady = true;

            // dup2 first: if the agent runs with fd 0 closed the pipe may be fd 0, and the open would replace it.
            SpawnSetup.Check(LibC.FileActionsAddDup2(fileActions, fds[1], 1), "posix_spawn_file_actions_adddup2");
            SpawnSetup.Check(LibC.FileActionsAddDup2(fileActions, fds[1], 2), "posix_spawn_file_actions_adddup2");
            SpawnSetup.Check(LibC.FileActionsAddOpen(fileActions, 0, devNull, LibC.O_RDONLY, 0), "posix_spawn_file_actions_addopen");
            SpawnSetup.Check(LibC.FileActionsAddChdir(fileActions, directoryBytes), "posix_spawn_file_actions_addchdir_np");
            SpawnSetup.CloseInheritedDescriptors(fileActions);

            int pid;
            SpawnSetup.Check(LibC.PosixSpawn(&pid, pathBytes, fileActions, attributes, argv.Pointer, envp.Pointer), "posix_spawn " + path);

            // The child holds its own copies now; the parent keeps only the read end.
            _ = LibC.Close(fds[1]);
            pipeOpen = false;
            var process = new ShellProcess(pid, fds[0]);
            process.StartReaper();
            return process;
        }
        finally
        {
            if (pipeOpen)
            {
                _ = LibC.Close(fds[0]);
                _ = LibC.Close(fds[1]);
            }

            if (fileActionsReady)
                _ = LibC.FileActionsDestroy(fileActions);
            if (attributesReady)
                _ = LibC.SpawnAttributesDestroy(attributes);
            NativeMemory.Free(signals);
            NativeMemory.Free(fileActions);
            NativeMemory.Free(attributes);
            NativeMemory.Free(devNull);
            NativeMemory.Free(directoryBytes);
            NativeMemory.Free(pathBytes);
        }
    }

    /// <summary>
    /// Sends <paramref name="signal"/> to the whole process group. The group id stays reserved while any member
    /// lives, so this is safe after the leader was reaped; returns false when no member is left.
    /// </summary>
    public bool SignalGroup(int signal) => LibC.Kill(-Id, signal) == 0;

    private void StartReaper()
    {
        var thread = new Thread(Reap, WaitThreadStackSize) { IsBackground = true, Name = "waitpid " + Id };
        thread.Start();
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
