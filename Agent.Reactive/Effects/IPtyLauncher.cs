namespace Agent.Reactive.Effects;

/// <summary>Starts processes on new pseudo-terminals (SSH sessions with a PTY, the reconnecting terminal).</summary>
public interface IPtyLauncher
{
    /// <summary>
    /// Starts <paramref name="spec"/> on a new pseudo-terminal, as a session leader whose controlling terminal
    /// is that PTY (job control, ^C, ^Z and SIGWINCH work). Throws when the process cannot be started.
    /// </summary>
    IPtyProcess Start(PtySpec spec);
}
