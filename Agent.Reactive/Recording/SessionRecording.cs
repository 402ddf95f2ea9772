using System.Net;
using System.Reactive;
using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using System.Text;
using Agent.Reactive.Effects;
using Agent.Reactive.Linq;
using Agent.Reactive.Monitoring;
using Agent.Reactive.Protocol;
using Microsoft.Extensions.Logging;

namespace Agent.Reactive.Recording;

/// <summary>
/// One PTY session's recording, streamed to the control plane: <c>POST me/recordings</c>, then the cast's lines in
/// chunks (batched until <see cref="RecordingLimits.Quiet"/> passes, one chunk in flight at a time), then the end. The
/// lines wait in a queue bounded in bytes (<see cref="RecordingLimits.QueueBytes"/>) and a recording is bounded too
/// (<see cref="RecordingLimits.MaxBytes"/>). Under <see cref="RecordingMode.On"/> what does not fit is dropped and the
/// gap marked in the cast, and a refusal or failure of the control plane stops the recording, never the session;
/// under <see cref="RecordingMode.Required"/> any of these completes <see cref="Failed"/>, which ends the session.
/// It ends by itself after <see cref="Complete"/> (or a failure): nothing to dispose. Thread-safe: output, input and
/// resizes may come from different threads.
/// </summary>
public sealed class SessionRecording
{
    private const int BatchCount = 256;

    private readonly Lock _gate = new();
    private readonly IControlPlaneClient _client;
    private readonly RecordingOrigin _origin;
    private readonly RecordingLimits _limits;
    private readonly IScheduler _scheduler;
    private readonly ILogger _logger;
    private readonly Action<AgentEvent> _publish;
    private readonly Action _unsupported;
    private readonly AsciicastWriter _writer;
    private readonly Queue<byte[]> _pending = new();
    private readonly ISubject<Unit> _ready = Subject.Synchronize(new Subject<Unit>());
    private readonly TaskCompletionSource<bool> _opened = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<string> _failed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _pendingBytes;
    private long _acceptedBytes;
    private long _sentBytes;
    private long _droppedBytes;
    private long _gapBytes;
    private bool _stopped;
    private bool _completed;
    private string? _id;
    private string? _failure;

    /// <param name="client">Where the recording goes.</param>
    /// <param name="mode"><see cref="RecordingMode.On"/> or <see cref="RecordingMode.Required"/>.</param>
    /// <param name="origin">The session.</param>
    /// <param name="limits">The bounds.</param>
    /// <param name="scheduler">The clock of the cast's times and of the batching.</param>
    /// <param name="logger">Where starts, gaps and failures are logged.</param>
    /// <param name="publish">Where <see cref="RecordingStarted"/> and <see cref="RecordingEnded"/> go.</param>
    /// <param name="unsupported">Called when the control plane answers 404 (it predates recordings).</param>
    public SessionRecording(
        IControlPlaneClient client,
        RecordingMode mode,
        RecordingOrigin origin,
        RecordingLimits limits,
        IScheduler scheduler,
        ILogger logger,
        Action<AgentEvent> publish,
        Action unsupported)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(origin);
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentNullException.ThrowIfNull(scheduler);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(publish);
        ArgumentNullException.ThrowIfNull(unsupported);
        limits.Validate();
        _client = client;
        Mode = mode;
        _origin = origin;
        _limits = limits;
        _scheduler = scheduler;
        _logger = logger;
        _publish = publish;
        _unsupported = unsupported;
        _writer = new AsciicastWriter(origin.Header.StartedAt);
        _ = Enqueue(AsciicastWriter.Header(origin.Header));
        AgentObservable.FromTask(OpenAsync, scheduler)
            .SelectMany(id => _ready
                .StartWith(Unit.Default)
                .BufferUntilQuietOrCount(limits.Quiet, BatchCount, scheduler)
                .OneInFlight(new LatestWaits<IList<Unit>>(), (_, _) => ShipAll(id))
                .IgnoreElements()
                .Concat(Observable.Defer(() => End(id, null))))
            .Subscribe(_ => { }, OnShippingFailed);
    }

    /// <summary><see cref="RecordingMode.On"/> or <see cref="RecordingMode.Required"/>.</summary>
    public RecordingMode Mode { get; }

    /// <summary>True once the control plane took the recording; false when it refused it or could not be reached.</summary>
    public Task<bool> Opened => _opened.Task;

    /// <summary>Under <see cref="RecordingMode.Required"/>: completes with the reason once the recording cannot be written.</summary>
    public Task<string> Failed => _failed.Task;

    /// <summary>Why the recording could not start or go on; <c>null</c> while it can.</summary>
    public string? Failure
    {
        get
        {
            lock (_gate)
                return _failure;
        }
    }

    /// <summary>Terminal output.</summary>
    public void Output(ReadOnlySpan<byte> bytes)
    {
        bool queued;
        lock (_gate)
            queued = !_completed && Enqueue(_writer.Output(_scheduler.Now, bytes));
        if (queued)
            _ready.OnNext(Unit.Default);
    }

    /// <summary>The client typed or pasted something (what, is not recorded).</summary>
    public void Input()
    {
        bool queued;
        lock (_gate)
            queued = !_completed && Enqueue(_writer.Input(_scheduler.Now));
        if (queued)
            _ready.OnNext(Unit.Default);
    }

    /// <summary>The terminal's new size.</summary>
    public void Resize(int columns, int rows)
    {
        bool queued;
        lock (_gate)
            queued = !_completed && Enqueue(_writer.Resize(_scheduler.Now, columns, rows));
        if (queued)
            _ready.OnNext(Unit.Default);
    }

    /// <summary>The session ended: what is queued is sent, then the end. Idempotent.</summary>
    public void Complete()
    {
        lock (_gate)
        {
            if (_completed)
                return;
            Enqueue(_writer.Flush(_scheduler.Now));
            _completed = true;
        }

        _ready.OnNext(Unit.Default);
        _ready.OnCompleted();
    }

    private async Task<string> OpenAsync(CancellationToken cancellationToken)
    {
        var header = _origin.Header;
        try
        {
            var answer = await _client.StartRecordingAsync(new RecordingStartRequest(_origin.Kind, _origin.Who, header.StartedAt, header.Width, header.Height), cancellationToken).ConfigureAwait(false);
            if (string.IsNullOrEmpty(answer.Id))
                throw new ControlPlaneException("POST me/recordings: the answer has no id");
            lock (_gate)
                _id = answer.Id;
            _logger.RecordingStarted(answer.Id, _origin.Kind, _origin.Who, Mode);
            _publish(new RecordingStarted(_scheduler.Now, answer.Id, _origin.Kind, _origin.Who));
            _opened.TrySetResult(true);
            return answer.Id;
        }
        catch (ControlPlaneException e)
        {
            if (e.StatusCode == HttpStatusCode.NotFound)
                _unsupported();
            Stop($"the control plane did not take the recording: {e.Message}");
            _opened.TrySetResult(false);
            throw;
        }
    }

    // Everything queued, in chunks of whole lines, one after the other; each answer is seen on the scheduler.
    private IObservable<Unit> ShipAll(string id) => Observable.Defer(() =>
    {
        if (TakeChunk() is not { } chunk)
            return Observable.Empty<Unit>();
        return AgentObservable.FromTask(cancellation => _client.AppendRecordingAsync(id, new RecordingChunkRequest(chunk.Text), cancellation), _scheduler)
            .Do(_ => Shipped(chunk.Bytes, sent: true), _ => Shipped(chunk.Bytes, sent: false))
            .Concat(ShipAll(id));
    });

    private void Shipped(long bytes, bool sent)
    {
        lock (_gate)
        {
            _pendingBytes = Math.Max(0, _pendingBytes - bytes);
            if (sent)
                _sentBytes += bytes;
            else
                _droppedBytes += bytes;
        }
    }

    private (string Text, long Bytes)? TakeChunk()
    {
        lock (_gate)
        {
            if (_pending.Count == 0)
                return null;
            var text = new StringBuilder();
            long bytes = 0;
            while (_pending.TryPeek(out var line) && (bytes == 0 || bytes + line.Length <= _limits.ChunkBytes))
            {
                _pending.Dequeue();
                text.Append(Encoding.UTF8.GetString(line));
                bytes += line.Length;
            }

            return (text.ToString(), bytes);
        }
    }

    // The end, told once; a failure to tell it is only logged (the control plane keeps what it took).
    private IObservable<Unit> End(string id, string? failure)
    {
        long sent, dropped;
        lock (_gate)
        {
            sent = _sentBytes;
            dropped = _droppedBytes + _pendingBytes;
        }

        _publish(new RecordingEnded(_scheduler.Now, id, sent, dropped, failure));
        _logger.RecordingEnded(id, sent, dropped);
        return AgentObservable.FromTask(cancellation => _client.EndRecordingAsync(id, new RecordingEndRequest(_scheduler.Now, dropped), cancellation), _scheduler)
            .Catch<Unit, ControlPlaneException>(e =>
            {
                _logger.RecordingEndNotTold(id, e.Message);
                return Observable.Empty<Unit>();
            });
    }

    private void OnShippingFailed(Exception error)
    {
        string? id;
        lock (_gate)
            id = _id;
        if (id is null)
            return; // The start failed; Stop said why.
        Stop($"the control plane did not take the recording's output: {error.Message}");
        End(id, error.Message).Subscribe(_ => { }, _ => { });
    }

    // Called under _gate (or from the constructor); true when a line was queued. Calls nothing outside.
    private bool Enqueue(byte[]? line)
    {
        if (line is null)
            return false;
        if (_stopped)
        {
            _droppedBytes += line.Length;
            return false;
        }

        if (_acceptedBytes + line.Length > _limits.MaxBytes)
        {
            _droppedBytes += line.Length;
            if (Mode == RecordingMode.Required)
            {
                StopLocked($"the recording reached its cap of {_limits.MaxBytes} bytes");
                return false;
            }

            _stopped = true;
            Push(_writer.Marker(_scheduler.Now, $"recording stopped: it reached its cap of {_limits.MaxBytes} bytes"));
            _logger.RecordingCapped(_id, _limits.MaxBytes);
            return true;
        }

        if (_pendingBytes + line.Length > _limits.QueueBytes)
        {
            _droppedBytes += line.Length;
            if (Mode == RecordingMode.Required)
            {
                StopLocked($"the control plane did not keep up with the session (more than {_limits.QueueBytes} bytes waiting)");
                return false;
            }

            if (_gapBytes == 0)
                _logger.RecordingDropping(_id, _limits.QueueBytes);
            _gapBytes += line.Length;
            return false;
        }

        if (_gapBytes > 0)
        {
            Push(_writer.Marker(_scheduler.Now, $"{_gapBytes} bytes dropped: the control plane was slow"));
            _gapBytes = 0;
        }

        Push(line);
        return true;
    }

    private void Push(byte[] line)
    {
        _pending.Enqueue(line);
        _pendingBytes += line.Length;
        _acceptedBytes += line.Length;
    }

    private void Stop(string reason)
    {
        lock (_gate)
            StopLocked(reason);
    }

    private void StopLocked(string reason)
    {
        if (_stopped && _failure is not null)
            return;
        _stopped = true;
        _failure = reason;
        _droppedBytes += _pendingBytes;
        _pendingBytes = 0;
        _pending.Clear();
        _logger.RecordingFailed(_id, reason, Mode);
        if (Mode == RecordingMode.Required)
            _failed.TrySetResult(reason);
    }
}
