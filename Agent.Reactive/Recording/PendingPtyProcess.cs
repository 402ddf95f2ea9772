using System.Reactive.Concurrency;
using System.Reactive.Linq;
using Agent.Reactive.Effects;
using Agent.Reactive.Linq;

namespace Agent.Reactive.Recording;

/// <summary>
/// A session whose process may start only once its recording started (<c>session_recording: required</c>): it is
/// launched when <c>permitted</c> completes with true, at the size the client has asked for by then. Otherwise no
/// process runs: the client reads the refusal as the session's output and the exit status is 1. Until the launch,
/// <see cref="ProcessId"/> is 0, input waits, resizes are kept and signals are ignored.
/// </summary>
internal sealed class PendingPtyProcess : IPtyProcess
{
    private readonly Lock _gate = new();
    private readonly Task<IPtyProcess?> _started;
    private byte[]? _refusal;
    private int _refusalTaken;
    private IPtyProcess? _process;
    private ushort _columns;
    private ushort _rows;
    private bool _disposed;

    /// <param name="permitted">Whether the process may start.</param>
    /// <param name="refusal">What the client reads when it may not.</param>
    /// <param name="launch">Starts it at a size (columns, rows).</param>
    /// <param name="columns">The width asked for at first.</param>
    /// <param name="rows">The height asked for at first.</param>
    /// <param name="abandoned">Called when it is disposed before it could start.</param>
    /// <param name="scheduler">Where <see cref="Output"/> is delivered from once the start is decided.</param>
    public PendingPtyProcess(Task<bool> permitted, Func<string> refusal, Func<ushort, ushort, IPtyProcess> launch, ushort columns, ushort rows, Action abandoned, IScheduler scheduler)
    {
        _columns = columns;
        _rows = rows;
        _started = StartAsync(permitted, refusal, launch, abandoned);
        Exited = ExitAsync();
        Output = AgentObservable.FromTask(_ => _started, scheduler)
            .SelectMany(process => process?.Output ?? (TakeRefusal() is { } text ? Observable.Return<ReadOnlyMemory<byte>>(text) : Observable.Empty<ReadOnlyMemory<byte>>()));
    }

    public int ProcessId
    {
        get
        {
            lock (_gate)
                return _process?.ProcessId ?? 0;
        }
    }

    public string TerminalName
    {
        get
        {
            lock (_gate)
                return _process?.TerminalName ?? string.Empty;
        }
    }

    public IObservable<ReadOnlyMemory<byte>> Output { get; }

    public Task<PtyExit> Exited { get; }

    public async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var process = await _started.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (process is not null)
            return await process.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        if (TakeRefusal() is not { } text)
            return 0;
        var length = Math.Min(text.Length, buffer.Length);
        text.AsSpan(0, length).CopyTo(buffer.Span);
        return length;
    }

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> input, CancellationToken cancellationToken)
    {
        if (await _started.WaitAsync(cancellationToken).ConfigureAwait(false) is { } process)
            await process.WriteAsync(input, cancellationToken).ConfigureAwait(false);
    }

    public void Resize(ushort columns, ushort rows)
    {
        IPtyProcess? process;
        lock (_gate)
        {
            _columns = columns;
            _rows = rows;
            process = _process;
        }

        process?.Resize(columns, rows);
    }

    public void Signal(int signal)
    {
        IPtyProcess? process;
        lock (_gate)
            process = _process;
        process?.Signal(signal);
    }

    public void Dispose()
    {
        IPtyProcess? process;
        lock (_gate)
        {
            _disposed = true;
            process = _process;
        }

        process?.Dispose();
    }

    private async Task<IPtyProcess?> StartAsync(Task<bool> permitted, Func<string> refusal, Func<ushort, ushort, IPtyProcess> launch, Action abandoned)
    {
        var allowed = await permitted.ConfigureAwait(false);
        lock (_gate)
        {
            if (!allowed)
            {
                _refusal = RecordedPtyProcess.Notice(refusal());
                return null;
            }

            if (_disposed)
            {
                abandoned();
                return null;
            }

            try
            {
                _process = launch(_columns, _rows);
                return _process;
            }
#pragma warning disable CA1031 // Whatever the launcher throws becomes the session's message; SshSession and TerminalSessions log a launch that fails at once the same way.
            catch (Exception e)
#pragma warning restore CA1031
            {
                abandoned();
                _refusal = RecordedPtyProcess.Notice($"cannot start the session: {e.Message}");
                return null;
            }
        }
    }

    private async Task<PtyExit> ExitAsync()
    {
        var process = await _started.ConfigureAwait(false);
        return process is null ? new PtyExit(1, null) : await process.Exited.ConfigureAwait(false);
    }

    private byte[]? TakeRefusal()
    {
        lock (_gate)
            return _refusal is { } text && Interlocked.Exchange(ref _refusalTaken, 1) == 0 ? text : null;
    }
}
