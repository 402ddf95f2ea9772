using Agent.Reactive.Effects;

namespace Agent.Runtime.Os.Processes;

/// <summary>
/// A process with three separate pipes (an SSH session without a terminal). Disposing closes the pipes and,
/// when the shell has not exited yet, kills its process group (SIGHUP and SIGTERM, SIGKILL after a grace period).
/// </summary>
public interface IPipedProcess : IDisposable
{
    int ProcessId { get; }

    /// <summary>The write end of the child's stdin; disposing it gives the child end of file.</summary>
    Stream StandardInput { get; }

    /// <summary>The read end of the child's stdout.</summary>
    Stream StandardOutput { get; }

    /// <summary>The read end of the child's stderr.</summary>
    Stream StandardError { get; }

    /// <summary>How the shell ended (exit code or signal); completes when it was reaped.</summary>
    Task<PtyExit> Exited { get; }

    /// <summary>Sends <paramref name="signal"/> to the process group; false when no member is left.</summary>
    bool Signal(int signal);
}
