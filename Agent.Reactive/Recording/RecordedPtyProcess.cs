using System.Reactive.Linq;
using System.Text;
using Agent.Reactive.Effects;

namespace Agent.Reactive.Recording;

/// <summary>
/// A process on a pseudo-terminal whose session is recorded: its output (pushed or pulled), the timing of its input
/// and its resizes go to the <see cref="SessionRecording"/>, which is completed when the output ends or the process is
/// disposed. When a required recording fails, the process is ended: the client reads why, and the exit status is 1.
/// </summary>
internal sealed class RecordedPtyProcess : IPtyProcess
{
    private readonly IPtyProcess _process;
    private readonly SessionRecording _recording;
    private readonly PtyOrigin _origin;
    private readonly SessionRecorder _recorder;
    private byte[]? _notice;
    private int _noticeTaken;

    public RecordedPtyProcess(IPtyProcess process, SessionRecording recording, PtyOrigin origin, SessionRecorder recorder)
    {
        _process = process;
        _recording = recording;
        _origin = origin;
        _recorder = recorder;
        Exited = ExitAsync();
        Output = process.Output
            .Do(chunk => recording.Output(chunk.Span))
            .Concat(Observable.Defer(() => TakeNotice() is { } notice ? Observable.Return<ReadOnlyMemory<byte>>(notice) : Observable.Empty<ReadOnlyMemory<byte>>()))
            .Finally(recording.Complete);
        recording.Failed.ContinueWith(failed => End(failed.Result), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    public int ProcessId => _process.ProcessId;

    public string TerminalName => _process.TerminalName;

    public IObservable<ReadOnlyMemory<byte>> Output { get; }

    public Task<PtyExit> Exited { get; }

    public async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var read = Volatile.Read(ref _notice) is null ? await _process.ReadAsync(buffer, cancellationToken).ConfigureAwait(false) : 0;
        if (read > 0)
        {
            _recording.Output(buffer.Span[..read]);
            return read;
        }

        if (TakeNotice() is { } notice)
        {
            var length = Math.Min(notice.Length, buffer.Length);
            notice.AsSpan(0, length).CopyTo(buffer.Span);
            return length;
        }

        _recording.Complete();
        return 0;
    }

    public ValueTask WriteAsync(ReadOnlyMemory<byte> input, CancellationToken cancellationToken)
    {
        if (!input.IsEmpty)
            _recording.Input();
        return _process.WriteAsync(input, cancellationToken);
    }

    public void Resize(ushort columns, ushort rows)
    {
        _recording.Resize(columns, rows);
        _process.Resize(columns, rows);
    }

    public void Signal(int signal) => _process.Signal(signal);

    public void Dispose()
    {
        _process.Dispose();
        _recording.Complete();
    }

    internal static byte[] Notice(string text) => Encoding.UTF8.GetBytes($"\r\nagent: {text}\r\n");

    private async Task<PtyExit> ExitAsync()
    {
        var exit = await _process.Exited.ConfigureAwait(false);
        return Volatile.Read(ref _notice) is null ? exit : new PtyExit(1, null);
    }

    // A required recording cannot be written: the session ends, and says why.
    private void End(string reason)
    {
        _recorder.Logger.SessionEndedUnrecorded(_origin.Kind, _origin.Who, reason);
        Volatile.Write(ref _notice, Notice($"session recording is required in this workspace and it failed ({reason}): the session ends"));
        _process.Dispose();
    }

    private byte[]? TakeNotice()
        => Volatile.Read(ref _notice) is { } notice && Interlocked.Exchange(ref _noticeTaken, 1) == 0 ? notice : null;
}
