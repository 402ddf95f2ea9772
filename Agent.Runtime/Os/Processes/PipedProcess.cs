using System.ComponentModel;
using System.IO.Pipes;
using System.Runtime.InteropServices;
using Agent.Reactive.Effects;
using Agent.Runtime.Os.Interop;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace Agent.Runtime.Os.Processes;

/// <summary>
/// A child started by <see cref="SpawnBuilder"/> in its own process group (pgid = pid), signals reset to their
/// defaults and nothing blocked, with stdin, stdout and stderr on three pipes whose parent ends are
/// close-on-exec pipe streams (asynchronous, no thread blocked per read). <see cref="ChildReaper"/> reaps it.
/// Disposing before the shell exited (the session was aborted) kills its group; after a normal exit,
/// background jobs (<c>nohup server &amp;</c>) are left alone, as sshd does.
/// </summary>
internal sealed class PipedProcess : IPipedProcess
{
    private const int SetPipeSize = 1031; // F_SETPIPE_SZ
    private const int PipeSize = 1 << 20;

    private const int SignalHangUp = 1;
    private static readonly TimeSpan KillGracePeriod = TimeSpan.FromSeconds(2);

    private readonly ILogger _logger;
    private int _disposed;

    private PipedProcess(int id, int stdinFd, int stdoutFd, int stderrFd, Task<int> waitStatus, ILogger logger)
    {
        ProcessId = id;
        Exited = DecodeAsync(waitStatus);
        _logger = logger;
        StandardInput = new AnonymousPipeClientStream(PipeDirection.Out, new SafePipeHandle(stdinFd, ownsHandle: true));
        StandardOutput = new AnonymousPipeClientStream(PipeDirection.In, new SafePipeHandle(stdoutFd, ownsHandle: true));
        StandardError = new AnonymousPipeClientStream(PipeDirection.In, new SafePipeHandle(stderrFd, ownsHandle: true));
    }

    public int ProcessId { get; }

    public Stream StandardInput { get; }

    public Stream StandardOutput { get; }

    public Stream StandardError { get; }

    public Task<PtyExit> Exited { get; }

    public static unsafe PipedProcess Start(string path, IReadOnlyList<string> arguments, IReadOnlyList<string> environment, string workingDirectory, ILogger logger)
    {
        // [0,1] stdin (child reads 0), [2,3] stdout (child writes 3), [4,5] stderr (child writes 5).
        var fds = stackalloc int[6];
        var open = 0;
        SpawnedChild child;
        try
        {
            OpenPipes(fds, ref open);

            // Every pipe end is above 2 (OpenPipes), so no dup2 below overwrites a source still to be copied.
            child = new SpawnBuilder(path, arguments, environment)
                .NewProcessGroup()
                .Duplicate(fds[0], 0)
                .Duplicate(fds[3], 1)
                .Duplicate(fds[5], 2)
                .InDirectory(workingDirectory)
                .Start();
        }
        catch
        {
            for (var i = 0; i < open; i++)
                _ = LibC.Close(fds[i]);
            throw;
        }

        // The child holds its own copies now; the parent keeps stdin's write end and the two read ends.
        _ = LibC.Close(fds[0]);
        _ = LibC.Close(fds[3]);
        _ = LibC.Close(fds[5]);
        return new PipedProcess(child.Id, fds[1], fds[2], fds[4], child.WaitStatus, logger);
    }

    /// <summary>The group id stays reserved while any member lives, so this is safe after the leader was reaped.</summary>
    public bool Signal(int signal) => LibC.Kill(-ProcessId, signal) == 0;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        StandardInput.Dispose();
        StandardOutput.Dispose();
        StandardError.Dispose();
        if (!Exited.IsCompleted)
            _ = TerminateAsync();
    }

    // Pipe ends at 0..2 (the agent started with a standard descriptor closed) are held as placeholders while
    // new pipes are made, so the ends in use are all above 2; at most three descriptors can be that low.
    private static unsafe void OpenPipes(int* fds, ref int open)
    {
        var placeholders = new List<int>(3);
        try
        {
            while (open < 6)
            {
                if (LibC.Pipe2(fds + open, LibC.O_CLOEXEC) != 0)
                    throw new Win32Exception(Marshal.GetLastPInvokeError(), "pipe2 failed");
                if (fds[open] > 2 && fds[open + 1] > 2)
                {
                    // 1 MiB pipes instead of 64 KiB: a process writing fast (cat, head -c) fills fewer, larger reads.
                    // Best effort: the system limit (/proc/sys/fs/pipe-max-size) may refuse it.
                    _ = PtyInterop.Control(fds[open], SetPipeSize, PipeSize);
                    open += 2;
                    continue;
                }

                placeholders.Add(fds[open]);
                placeholders.Add(fds[open + 1]);
            }
        }
        finally
        {
            foreach (var fd in placeholders)
                _ = LibC.Close(fd);
        }
    }

    private static async Task<PtyExit> DecodeAsync(Task<int> waitStatus) => WaitStatus.ToExit(await waitStatus.ConfigureAwait(false));

    // SIGHUP and SIGTERM to the group (what a hung-up session gets), SIGKILL to whatever is left after the grace period.
    private async Task TerminateAsync()
    {
        _logger.SessionProcessHangingUp(ProcessId);
        Signal(SignalHangUp);
        Signal(LibC.SIGTERM);
        await Task.WhenAny(Exited, Task.Delay(KillGracePeriod, CancellationToken.None));
        if (Signal(LibC.SIGKILL))
            _logger.SessionProcessKilled(ProcessId);
    }
}
