using System.ComponentModel;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using System.Runtime.InteropServices;
using Agent.Reactive.Effects;
using Agent.Runtime.Os.Interop;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace Agent.Runtime.Os.Pty;

/// <summary>
/// A session leader on a pseudo-terminal, owned through the (non-blocking) master side.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="Output"/>: the first subscription starts one reader thread (256 KiB stack) that waits in
/// <c>poll</c> on the master and a wake-up eventfd, and hands each read (at most <see cref="ChunkSize"/> bytes,
/// copied into its own array) straight to the subscribed observers on that thread. From then on it is hot:
/// later subscribers see only later chunks. Nothing is queued: the reader reads the next chunk only after every
/// observer returned, so memory stays bounded and a slow observer slows the process down (its writes block on
/// the full terminal), exactly like a slow terminal would. Rx has no backpressure, so observers that hand
/// chunks to another thread are responsible for bounding that hand-off. Until the first subscription nothing is
/// read and the process blocks once the terminal's output buffer is full. The sequence completes after the
/// last byte (the master reports EIO once no slave descriptor is left open) or when the process is disposed;
/// it fails only on an unexpected read error. An observer that throws is logged and the reading goes on.
/// </para>
/// <para>
/// <see cref="WriteAsync"/> calls are serialized; when the terminal's input queue is full the call waits
/// asynchronously (polling from 1 ms up to 50 ms) and can be cancelled, after which part of the input may have
/// been written. <see cref="Exited"/> is completed by a dedicated thread blocked in <c>waitpid</c> on this pid
/// only (the .NET runtime reaps only the children it started itself). <see cref="Dispose"/> does not block: it
/// sends SIGHUP and SIGCONT to the process group, closes the master (the slave hangs up, which signals the
/// foreground job too), and sends SIGKILL to the group if it is still there <see cref="KillGracePeriod"/> later.
/// </para>
/// </remarks>
public sealed class PtyProcess : IPtyProcess
{
    /// <summary>The largest chunk <see cref="Output"/> delivers.</summary>
    public const int ChunkSize = 16 * 1024;

    /// <summary>How long a disposed process group gets between SIGHUP and SIGKILL.</summary>
    public static readonly TimeSpan KillGracePeriod = TimeSpan.FromSeconds(2);

    private const int ThreadStackSize = 256 * 1024;
    private const int MaxSignal = 64;
    private const int FirstWriteRetryMilliseconds = 1;
    private const int LastWriteRetryMilliseconds = 50;
    private const int GroupPollMilliseconds = 50;

    private readonly SafeFileHandle _master;
    private readonly SafeFileHandle _wake;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly Subject<ReadOnlyMemory<byte>> _subject = new();
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly TaskCompletionSource<PtyExit> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly IObservable<ReadOnlyMemory<byte>> _output;
    private bool _reading;
    private bool _disposed;

    /// <summary>Takes ownership of <paramref name="master"/> and <paramref name="wake"/> (an eventfd) and reaps the process.</summary>
    internal PtyProcess(int processId, SafeFileHandle master, SafeFileHandle wake, string terminalName, ILogger logger)
    {
        ProcessId = processId;
        TerminalName = terminalName;
        _master = master;
        _wake = wake;
        _logger = logger;
        _output = Observable.Create<ReadOnlyMemory<byte>>(observer =>
        {
            var subscription = _subject.Subscribe(observer);
            StartReading();
            return subscription;
        });
        StartReaper();
    }

    public int ProcessId { get; }

    public string TerminalName { get; }

    /// <inheritdoc cref="IPtyProcess.Output"/>
    public IObservable<ReadOnlyMemory<byte>> Output => _output;

    public Task<PtyExit> Exited => _exited.Task;

    /// <exception cref="ObjectDisposedException">The process was disposed (also while waiting).</exception>
    /// <exception cref="IOException">The terminal refused the input (it was hung up).</exception>
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> input, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed), this);
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var retry = FirstWriteRetryMilliseconds;
            while (!input.IsEmpty)
            {
                var written = WriteSome(input.Span);
                if (written > 0)
                {
                    input = input[written..];
                    retry = FirstWriteRetryMilliseconds;
                    continue;
                }

                await Task.Delay(retry, cancellationToken).ConfigureAwait(false);
                retry = Math.Min(retry * 2, LastWriteRetryMilliseconds);
            }
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <exception cref="ObjectDisposedException">The process was disposed.</exception>
    public void Resize(ushort columns, ushort rows)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed), this);
        try
        {
            PtyLauncher.SetSize(_master, columns, rows);
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
        bool reading;
        lock (_gate)
        {
            if (_disposed)
                return;
            Volatile.Write(ref _disposed, true);
            reading = _reading;
        }

        if (!_exited.Task.IsCompleted || GroupExists())
        {
            _logger.LogDebug("Disposing terminal {Terminal}: SIGHUP to process group {Pid}", TerminalName, ProcessId);
            _ = LibC.Kill(-ProcessId, PtyInterop.SIGHUP);
            _ = LibC.Kill(-ProcessId, PtyInterop.SIGCONT);
            _ = KillAfterGracePeriodAsync();
        }

        if (reading)
            WakeReader();
        else
            _subject.OnCompleted();

        // The reader holds references while it runs: the descriptors close when it lets go.
        _wake.Dispose();
        _master.Dispose();
    }

    private static PtyExit DecodeStatus(int status)
    {
        var signal = status & 0x7f;
        return signal == 0 ? new PtyExit((status >> 8) & 0xff, null) : new PtyExit(null, signal);
    }

    private bool GroupExists() => LibC.Kill(-ProcessId, 0) == 0;

    // Returns the bytes written, or 0 when the input queue is full (try again later).
    private unsafe int WriteSome(ReadOnlySpan<byte> input)
    {
        var added = false;
        try
        {
            _master.DangerousAddRef(ref added);
            while (true)
            {
                nint written;
                fixed (byte* bytes = input)
                    written = PtyInterop.Write((int)_master.DangerousGetHandle(), bytes, (nuint)input.Length);
                if (written >= 0)
                    return (int)written;
                var error = Marshal.GetLastPInvokeError();
                if (error == LibC.EINTR)
                    continue;
                if (error == PtyInterop.EAGAIN)
                    return 0;
                throw new IOException($"Writing to {TerminalName} failed: {Marshal.GetPInvokeErrorMessage(error)}", new Win32Exception(error));
            }
        }
        finally
        {
            if (added)
                _master.DangerousRelease();
        }
    }

    private unsafe void WakeReader()
    {
        var added = false;
        try
        {
            _wake.DangerousAddRef(ref added);
            ulong one = 1;
            _ = PtyInterop.Write((int)_wake.DangerousGetHandle(), (byte*)&one, sizeof(ulong));
        }
        catch (ObjectDisposedException)
        {
            // Only Dispose closes the eventfd, and it runs once.
        }
        finally
        {
            if (added)
                _wake.DangerousRelease();
        }
    }

    private void StartReading()
    {
        var masterAdded = false;
        var wakeAdded = false;
        lock (_gate)
        {
            if (_reading || _disposed)
                return;
            _master.DangerousAddRef(ref masterAdded);
            _wake.DangerousAddRef(ref wakeAdded);
            _reading = true;
        }

        var thread = new Thread(Read, ThreadStackSize) { IsBackground = true, Name = "pty " + TerminalName };
        thread.Start();
    }

    // Runs on the reader thread, which holds one reference on each handle until it ends.
    private void Read()
    {
        Exception? failure = null;
        try
        {
            failure = ReadUntilEnd();
        }
        catch (Exception exception)
        {
            failure = exception;
        }
        finally
        {
            _master.DangerousRelease();
            _wake.DangerousRelease();
        }

        if (failure is null)
        {
            _subject.OnCompleted();
            return;
        }

        _logger.LogWarning(failure, "Reading {Terminal} failed", TerminalName);
        _subject.OnError(failure);
    }

    private unsafe IOException? ReadUntilEnd()
    {
        var master = (int)_master.DangerousGetHandle();
        var buffer = new byte[ChunkSize];
        var descriptors = stackalloc PollDescriptor[2];
        descriptors[0] = new PollDescriptor { Fd = (int)_wake.DangerousGetHandle(), Events = PtyInterop.POLLIN };
        descriptors[1] = new PollDescriptor { Fd = master, Events = PtyInterop.POLLIN };
        while (true)
        {
            descriptors[0].ReturnedEvents = 0;
            descriptors[1].ReturnedEvents = 0;
            if (PtyInterop.Poll(descriptors, 2, -1) < 0)
            {
                var pollError = Marshal.GetLastPInvokeError();
                if (pollError == LibC.EINTR)
                    continue;
                return new IOException($"poll on {TerminalName} failed: {Marshal.GetPInvokeErrorMessage(pollError)}");
            }

            if (descriptors[0].ReturnedEvents != 0)
                return null;
            if (descriptors[1].ReturnedEvents == 0)
                continue;

            nint read;
            fixed (byte* bytes = buffer)
                read = LibC.Read(master, bytes, ChunkSize);
            if (read == 0)
                return null;
            if (read < 0)
            {
                var error = Marshal.GetLastPInvokeError();
                if (error is LibC.EINTR or PtyInterop.EAGAIN)
                    continue;
                if (error == PtyInterop.EIO)
                    return null;
                return new IOException($"Reading {TerminalName} failed: {Marshal.GetPInvokeErrorMessage(error)}");
            }

            Publish(buffer.AsSpan(0, (int)read).ToArray());
        }
    }

    private void Publish(byte[] chunk)
    {
        try
        {
            _subject.OnNext(chunk);
        }
        catch (Exception exception)
        {
            // Keep reading: a terminal nobody drains would block the process.
            _logger.LogError(exception, "An observer of {Terminal} failed", TerminalName);
        }
    }

    private void StartReaper()
    {
        var thread = new Thread(Reap, ThreadStackSize) { IsBackground = true, Name = "waitpid " + ProcessId };
        thread.Start();
    }

    private unsafe void Reap()
    {
        int status;
        while (true)
        {
            var result = LibC.WaitPid(ProcessId, &status, 0);
            if (result == ProcessId)
            {
                var exit = DecodeStatus(status);
                _logger.LogDebug("Process {Pid} on {Terminal} ended: {Exit}", ProcessId, TerminalName, exit);
                _exited.TrySetResult(exit);
                return;
            }

            var error = Marshal.GetLastPInvokeError();
            if (result < 0 && error == LibC.EINTR)
                continue;
            _exited.TrySetException(new Win32Exception(error, $"waitpid({ProcessId}) failed"));
            return;
        }
    }

    // SIGKILL to the group once the grace period passed, unless the leader was reaped and no member is left.
    private async Task KillAfterGracePeriodAsync()
    {
        try
        {
            var deadline = Environment.TickCount64 + (long)KillGracePeriod.TotalMilliseconds;
            await Task.WhenAny(_exited.Task, Task.Delay(KillGracePeriod)).ConfigureAwait(false);
            while (_exited.Task.IsCompleted && GroupExists())
            {
                var remaining = deadline - Environment.TickCount64;
                if (remaining <= 0)
                    break;
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(remaining, GroupPollMilliseconds))).ConfigureAwait(false);
            }

            if (_exited.Task.IsCompleted && !GroupExists())
                return;
            _logger.LogDebug("Process group {Pid} outlived SIGHUP by {Grace}; sending SIGKILL", ProcessId, KillGracePeriod);
            _ = LibC.Kill(-ProcessId, LibC.SIGKILL);
        }
        catch (Exception exception)
        {
            _logger.LogError(exception, "Killing process group {Pid} failed", ProcessId);
        }
    }
}
