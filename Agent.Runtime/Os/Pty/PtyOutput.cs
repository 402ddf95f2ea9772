using System.Diagnostics.CodeAnalysis;
using System.Reactive.Subjects;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Os.Pty;

/// <summary>
/// The hot output sequence of a terminal: the first subscription starts one read loop (asynchronous reads of
/// <see cref="PtyProcess.ChunkSize"/> at most, each copied into its own array and handed to the observers); later
/// subscribers see only later chunks. Nothing is queued: the next read waits until every observer returned, so a
/// slow observer slows the process down as a slow terminal would. Completes after the last byte or once the master
/// is disposed; fails only on an unexpected read error. An observer that throws is logged and the reading goes on.
/// </summary>
[SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable", Justification = "The subject is completed at the end of the output; disposing it would break late unsubscriptions.")]
internal sealed class PtyOutput : IObservable<ReadOnlyMemory<byte>>
{
    private readonly PtyMaster _master;
    private readonly ILogger _logger;
    private readonly Subject<ReadOnlyMemory<byte>> _subject = new();
    private readonly Lock _gate = new();
    private bool _reading;
    private bool _ended;

    public PtyOutput(PtyMaster master, ILogger logger)
    {
        _master = master;
        _logger = logger;
    }

    public IDisposable Subscribe(IObserver<ReadOnlyMemory<byte>> observer)
    {
        var subscription = _subject.Subscribe(observer);
        lock (_gate)
        {
            if (_reading || _ended)
                return subscription;
            _reading = true;
        }

        _ = Task.Run(PumpAsync);
        return subscription;
    }

    /// <summary>Completes the sequence when it never started reading (the master is being disposed).</summary>
    public void EndIfIdle()
    {
        lock (_gate)
        {
            if (_reading || _ended)
                return;
            _ended = true;
        }

        _subject.OnCompleted();
    }

    private async Task PumpAsync()
    {
        var buffer = new byte[PtyProcess.ChunkSize];
        try
        {
            while (true)
            {
                var read = await _master.ReadAsync(buffer, CancellationToken.None).ConfigureAwait(false);
                if (read == 0)
                    break;
                Publish(buffer.AsSpan(0, read).ToArray());
            }
        }
        catch (IOException exception)
        {
            _logger.TerminalReadFailed(exception, _master.TerminalName);
            _subject.OnError(exception);
            return;
        }

        _subject.OnCompleted();
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
            _logger.TerminalObserverFailed(exception, _master.TerminalName);
        }
    }
}
