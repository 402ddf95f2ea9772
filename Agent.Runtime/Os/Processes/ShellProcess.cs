using System.ComponentModel;
using System.Runtime.InteropServices;
using Agent.Runtime.Os.Interop;

namespace Agent.Runtime.Os.Processes;

/// <summary>
/// A child started with <c>posix_spawn</c> in its own process group (pgid = pid), signals reset to their
/// defaults and nothing blocked, stdin on <c>/dev/null</c>, stdout and stderr on the write end of one pipe.
/// A dedicated thread reaps it with <c>waitpid</c>, so it never stays a zombie.
/// </summary>
internal sealed unsafe class ShellProcess
{
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
        var fds = stackalloc int[2];
        var pipeOpen = false;
        try
        {
            if (LibC.Pipe2(fds, LibC.O_CLOEXEC) != 0)
                throw new Win32Exception(Marshal.GetLastPInvokeError(), "pipe2 failed");
            pipeOpen = true;

            using var spawn = SpawnBuffers.Create();
            SpawnSetup.NewProcessGroup(spawn.Attributes, spawn.Signals);

            // dup2 first: if the agent runs with fd 0 closed the pipe may be fd 0, and the open would replace it.
            SpawnSetup.Check(LibC.FileActionsAddDup2(spawn.FileActions, fds[1], 1), "posix_spawn_file_actions_adddup2");
            SpawnSetup.Check(LibC.FileActionsAddDup2(spawn.FileActions, fds[1], 2), "posix_spawn_file_actions_adddup2");
            SpawnSetup.Check(LibC.FileActionsAddOpen(spawn.FileActions, 0, devNull, LibC.O_RDONLY, 0), "posix_spawn_file_actions_addopen");
            SpawnSetup.Check(LibC.FileActionsAddChdir(spawn.FileActions, directoryBytes), "posix_spawn_file_actions_addchdir_np");
            SpawnSetup.CloseInheritedDescriptors(spawn.FileActions);

            int pid;
            SpawnSetup.Check(LibC.PosixSpawn(&pid, pathBytes, spawn.FileActions, spawn.Attributes, argv.Pointer, envp.Pointer), "posix_spawn " + path);

            // The child holds its own copies now; the parent keeps only the read end.
            _ = LibC.Close(fds[1]);
            pipeOpen = false;
            var process = new ShellProcess(pid, fds[0]);
            ChildReaper.Start(pid, process._exited, LibC.DecodeWaitStatus);
            return process;
        }
        finally
        {
            if (pipeOpen)
            {
                _ = LibC.Close(fds[0]);
                _ = LibC.Close(fds[1]);
            }

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
}
