using System.ComponentModel;
using System.Runtime.InteropServices;
using Agent.Runtime.Os.Interop;

namespace Agent.Runtime.Os.Processes;

/// <summary>
/// Reaps every child the agent starts, so none stays a zombie: a pidfd per child, watched by the one
/// <see cref="ReadinessPoller"/> thread; once it polls readable the child is collected with <c>waitpid(WNOHANG)</c>.
/// No thread per child.
/// </summary>
internal static class ChildReaper
{
    /// <summary>
    /// Completes with the raw wait status of <paramref name="pid"/> once it ended and was reaped, or with the error of
    /// <c>waitpid</c>. Call it once, right after the spawn: the pid cannot be reused until it was reaped.
    /// </summary>
    /// <exception cref="Win32Exception"><c>pidfd_open</c> failed (a kernel before 5.3, no descriptor left); the child was killed and reaped.</exception>
    public static Task<int> Watch(int pid)
    {
        var pidfd = (int)LibC.SystemCall(LibC.SYS_pidfd_open, pid, 0);
        if (pidfd < 0)
        {
            var error = Marshal.GetLastPInvokeError();
            _ = LibC.Kill(pid, LibC.SIGKILL);
            _ = Collect(pid, block: true, out _);
            throw new Win32Exception(error, "pidfd_open failed");
        }

        return ReapAsync(pid, pidfd);
    }

    private static async Task<int> ReapAsync(int pid, int pidfd)
    {
        try
        {
            while (true)
            {
                await ReadinessPoller.Shared.WhenReadyAsync(pidfd, PtyInterop.POLLIN, CancellationToken.None).ConfigureAwait(false);
                if (Collect(pid, block: false, out var status))
                    return status;
            }
        }
        finally
        {
            _ = LibC.Close(pidfd);
        }
    }

    // True with the status once reaped; false when the child is still running (a spurious wake-up).
    private static unsafe bool Collect(int pid, bool block, out int status)
    {
        int result;
        var raw = 0;
        do
            result = LibC.WaitPid(pid, &raw, block ? 0 : LibC.WNOHANG);
        while (result < 0 && Marshal.GetLastPInvokeError() == LibC.EINTR);
        status = raw;
        if (result == pid)
            return true;
        if (result == 0)
            return false;
        throw new Win32Exception(Marshal.GetLastPInvokeError(), $"waitpid({pid}) failed");
    }
}
