using System.ComponentModel;
using System.Runtime.InteropServices;
using Agent.Reactive.Effects;
using Agent.Runtime.Os.Interop;
using Agent.Runtime.Os.Processes;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace Agent.Runtime.Os.Pty;

/// <summary>
/// A session leader on a pseudo-terminal, owned through the (non-blocking) master side.
/// </summary>
/// <remarks>
/// <para>
/// Its output is consumed one of two ways, not both: pulled with <see cref="ReadAsync"/> (the next read happens when
/// the consumer has room, so a slow consumer leaves the output in the kernel's terminal buffer, which then stops the
/// process), or pushed through the hot <see cref="Output"/> sequence (<see cref="PtyOutput"/>). No thread waits on
/// the terminal: reads and writes that would block wait on the one <see cref="ReadinessPoller"/> thread.
/// </para>
/// <para>
/// <see cref="WriteAsync"/> calls are serialized; when the terminal's input queue is full the call waits for
/// <c>POLLOUT</c> and can be cancelled, after which part of the input may have been written. <see cref="Exited"/> is
/// completed by <see cref="ChildReaper"/> (the .NET runtime reaps only the children it started itself).
/// <see cref="Dispose"/> does not block: it sends SIGHUP and SIGCONT to the process group, closes the master (the
/// slave hangs up, which signals the foreground job too), and sends SIGKILL to the group if it is still there
/// <see cref="KillGracePeriod"/> later.
/// </para>
/// </remarks>
public sealed class PtyProcess : IPtyProcess
{
    /// <summary>The largest chunk <see cref="Output"/> delivers.</summary>
    public const int ChunkSize = 16 * 1024;

    /// <summary>How long a disposed process group gets between SIGHUP and SIGKILL.</summary>
    public static readonly TimeSpan KillGracePeriod = TimeSpan.FromSeconds(2);

    private const int MaxSignal = 64;
    private const int GroupPollMilliseconds = 50;

    private readonly PtyMaster _master;
    private readonly PtyOutput _output;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private int _disposed;

    /// <summary>Takes ownership of <paramref name="master"/>; <paramref name="child"/> is reaped by <see cref="ChildReaper"/>.</summary>
    internal PtyProcess(SpawnedChild child, SafeFileHandle master, string terminalName, ILogger logger)
    {
        ProcessId = child.Id;
        TerminalName = terminalName;
        _master = new PtyMaster(master, terminalName);
        _logger = logger;
        _output = new PtyOutput(_master, logger);
        Exited = DecodeAsync(child.WaitStatus);
    }

    public int ProcessId { get; }

    public string TerminalName { get; }

    /// <inheritdoc cref="IPtyProcess.Output"/>
    public IObservable<ReadOnlyMemory<byte>> Output => _output;

    public Task<PtyExit> Exited { get; }

    /// <inheritdoc cref="IPtyProcess.ReadAsync"/>
    public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken) => _master.ReadAsync(buffer, cancellationToken);

    /// <exception cref="ObjectDisposedException">The process was disposed (also while waiting).</exception>
    /// <exception cref="IOException">The terminal refused the input (it was hung up).</exception>
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> input, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _master.WriteAsync(input, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <exception cref="ObjectDisposedException">The process was disposed.</exception>
    public void Resize(ushort columns, ushort rows)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        try
        {
            PtyLauncher.SetSize(_master.Handle, columns, rows);
        }
        catch (ObjectDisposedException)
        {
            throw new ObjectDisposedException(nameof(PtyProcess));
        }
    }

    /// <summary>Sends <paramref name="signal"/> to the process group; nothing happens when the group is gone.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="signal"/> is not between 1 and 64.</exception>
    public void Signal(int signal)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(signal, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(signal, MaxSignal);
        if (LibC.Kill(-ProcessId, signal) != 0)
        {
            var error = Marshal.GetLastPInvokeError();
            if (error != LibC.ESRCH)
                throw new Win32Exception(error, $"kill(-{ProcessId}, {signal}) failed");
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        if (!Exited.IsCompleted || GroupExists())
        {
            _logger.TerminalHangingUp(TerminalName, ProcessId);
            _ = LibC.Kill(-ProcessId, PtyInterop.SIGHUP);
            _ = LibC.Kill(-ProcessId, PtyInterop.SIGCONT);
            _ = KillAfterGracePeriodAsync();
        }

        _output.EndIfIdle();
        _master.Dispose();
    }

    private bool GroupExists() => LibC.Kill(-ProcessId, 0) == 0;

    private async Task<PtyExit> DecodeAsync(Task<int> waitStatus)
    {
        var exit = WaitStatus.ToExit(await waitStatus.ConfigureAwait(false));
        _logger.TerminalProcessEnded(ProcessId, TerminalName, exit.ToString());
        return exit;
    }

    // SIGKILL to the group once the grace period passed, unless the leader was reaped and no member is left.
    private async Task KillAfterGracePeriodAsync()
    {
        try
        {
            var deadline = Environment.TickCount64 + (long)KillGracePeriod.TotalMilliseconds;
            await Task.WhenAny(Exited, Task.Delay(KillGracePeriod)).ConfigureAwait(false);
            while (Exited.IsCompleted && GroupExists())
            {
                var remaining = deadline - Environment.TickCount64;
                if (remaining <= 0)
                    break;
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(remaining, GroupPollMilliseconds))).ConfigureAwait(false);
            }

            if (Exited.IsCompleted && !GroupExists())
                return;
            _logger.TerminalGroupKilled(ProcessId, KillGracePeriod);
            _ = LibC.Kill(-ProcessId, LibC.SIGKILL);
        }
        catch (Exception exception)
        {
            _logger.TerminalGroupKillFailed(exception, ProcessId);
        }
    }
}
