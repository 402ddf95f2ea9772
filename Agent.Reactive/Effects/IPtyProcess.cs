namespace Agent.Reactive.Effects;

/// <summary>
/// A process running on a pseudo-terminal. <see cref="Output"/> carries owned chunks (never a reused buffer):
/// it is hot, reading starts with the first subscription, and it completes after the last byte once the
/// terminal has no writer left (the process and every child holding it exited). Input and resizes may come
/// from many threads. Disposing kills the process group (SIGHUP, then SIGKILL after a grace period), closes
/// the terminal and reaps the process: no descriptor or zombie is left.
/// </summary>
public interface IPtyProcess : IDisposable
{
    int ProcessId { get; }

    /// <summary>Path of the terminal's slave side, e.g. <c>/dev/pts/3</c> (for <c>SSH_TTY</c>).</summary>
    string TerminalName { get; }

    IObservable<ReadOnlyMemory<byte>> Output { get; }

    /// <summary>How the process ended; completes when it was reaped.</summary>
    Task<PtyExit> Exited { get; }

    /// <summary>
    /// Pulls the next output into <paramref name="buffer"/>, waiting until there is some; 0 after the last byte or once
    /// disposed. The pull alternative to <see cref="Output"/> (use one or the other): output not read stays in the
    /// terminal, whose full buffer then stops the process, so a consumer reads only when it has room.
    /// </summary>
    ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken);

    /// <summary>Writes input to the terminal (keystrokes, pasted text).</summary>
    ValueTask WriteAsync(ReadOnlyMemory<byte> input, CancellationToken cancellationToken);

    /// <summary>Sets the terminal size; the foreground process group gets SIGWINCH.</summary>
    void Resize(ushort columns, ushort rows);

    /// <summary>Sends <paramref name="signal"/> (a Linux signal number) to the process group.</summary>
    void Signal(int signal);
}
