namespace Agent.Reactive.Effects;

/// <summary>How a process ended: with an exit code, or killed by a signal.</summary>
/// <param name="ExitCode">The exit code when it exited normally.</param>
/// <param name="Signal">The signal number when a signal killed it.</param>
public sealed record PtyExit(int? ExitCode, int? Signal)
{
    /// <summary>The shell's convention: the exit code, or 128 + the signal number.</summary>
    public int Code => ExitCode ?? (128 + (Signal ?? 0));
}
