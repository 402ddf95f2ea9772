namespace Agent.Reactive.Effects;

/// <summary>Runs commands through the user's login shell with the shell environment.</summary>
public interface IProcessLauncher
{
    /// <summary>
    /// Runs <paramref name="spec"/> to completion. Output lines (stdout and stderr together, split at
    /// newlines and at <see cref="CommandSpec.MaxLineLength"/>) go to <paramref name="lines"/> as they
    /// appear; the reader never stops draining, so a slow observer cannot block the script.
    /// Cancelling kills the process group. Returns the exit code; a start failure throws.
    /// </summary>
    Task<int> RunAsync(CommandSpec spec, IObserver<string> lines, CancellationToken cancellationToken);

    /// <summary>
    /// Runs <paramref name="spec"/> and captures at most <paramref name="maxOutputBytes"/> of its combined
    /// output (the rest is read and counted, not kept). Cancelling kills the process group.
    /// </summary>
    Task<CommandResult> CaptureAsync(CommandSpec spec, int maxOutputBytes, CancellationToken cancellationToken);
}
