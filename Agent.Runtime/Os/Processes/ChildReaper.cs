using System.ComponentModel;
using System.Runtime.InteropServices;
using Agent.Runtime.Os.Interop;

namespace Agent.Runtime.Os.Processes;

/// <summary>The dedicated thread that reaps one child with <c>waitpid</c>, so it never stays a zombie.</summary>
internal static unsafe class ChildReaper
{
    private const int ThreadStackSize = 256 * 1024;

    /// <summary>
    /// Starts a background thread that waits for <paramref name="pid"/> and completes <paramref name="exited"/> with
    /// <paramref name="decode"/> of its wait status, or with the error of <c>waitpid</c>.
    /// </summary>
    public static void Start<T>(int pid, TaskCompletionSource<T> exited, Func<int, T> decode)
    {
        var thread = new Thread(() => Reap(pid, exited, decode), ThreadStackSize) { IsBackground = true, Name = "waitpid " + pid };
        thread.Start();
    }

    private static void Reap<T>(int pid, TaskCompletionSource<T> exited, Func<int, T> decode)
    {
        int status;
        while (true)
        {
            var result = LibC.WaitPid(pid, &status, 0);
            if (result == pid)
            {
                exited.TrySetResult(decode(status));
                return;
            }

            var error = Marshal.GetLastPInvokeError();
            if (result < 0 && error == LibC.EINTR)
                continue;
            exited.TrySetException(new Win32Exception(error, "waitpid failed"));
            return;
        }
    }
}
