using System.ComponentModel;
using System.Runtime.InteropServices;
using Agent.Runtime.Os.Interop;

namespace Agent.Runtime.Os.Processes;

/// <summary>
/// A child started by <see cref="SpawnBuilder"/> in its own process group (pgid = pid), stdin on <c>/dev/null</c>,
/// stdout and stderr on the write end of one pipe, reaped by <see cref="ChildReaper"/>.
/// </summary>
internal sealed class ShellProcess
{
    private ShellProcess(int id, int outputFd, Task<int> waitStatus)
    {
        Id = id;
        OutputFd = outputFd;
        Exited = DecodeAsync(waitStatus);
    }

    public int Id { get; }

    /// <summary>The read end of the output pipe (close-on-exec); whoever reads it closes it.</summary>
    public int OutputFd { get; }

    /// <summary>Completes with the exit code (128 + signal for a signal death) once the child is reaped.</summary>
    public Task<int> Exited { get; }

    public bool HasExited => Exited.IsCompleted;

    public static unsafe ShellProcess Start(string path, IReadOnlyList<string> arguments, IReadOnlyList<string> environment, string workingDirectory)
    {
        var fds = stackalloc int[2];
        if (LibC.Pipe2(fds, LibC.O_CLOEXEC) != 0)
            throw new Win32Exception(Marshal.GetLastPInvokeError(), "pipe2 failed");
        SpawnedChild child;
        try
        {
            // dup2 first: if the agent runs with fd 0 closed the pipe may be fd 0, and the open would replace it.
            child = new SpawnBuilder(path, arguments, environment)
                .NewProcessGroup()
                .Duplicate(fds[1], 1)
                .Duplicate(fds[1], 2)
                .Open(0, "/dev/null", LibC.O_RDONLY)
                .InDirectory(workingDirectory)
                .Start();
        }
        catch
        {
            _ = LibC.Close(fds[0]);
            throw;
        }
        finally
        {
            // The child holds its own copy now; the parent keeps only the read end.
            _ = LibC.Close(fds[1]);
        }

        return new ShellProcess(child.Id, fds[0], child.WaitStatus);
    }

    /// <summary>
    /// Sends <paramref name="signal"/> to the whole process group. The group id stays reserved while any member
    /// lives, so this is safe after the leader was reaped; returns false when no member is left.
    /// </summary>
    public bool SignalGroup(int signal) => LibC.Kill(-Id, signal) == 0;

    private static async Task<int> DecodeAsync(Task<int> waitStatus) => LibC.DecodeWaitStatus(await waitStatus.ConfigureAwait(false));
}
