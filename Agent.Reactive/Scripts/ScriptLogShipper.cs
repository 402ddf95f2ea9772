using System.Net;
using System.Reactive;
using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using Agent.Reactive.Effects;
using Agent.Reactive.Protocol;
using Microsoft.Extensions.Logging;

namespace Agent.Reactive.Scripts;

/// <summary>
/// The sending half of <see cref="ScriptLogs.Stream"/> for one subscription: closed batches wait in a bounded
/// queue, one PATCH is in flight at a time (the <c>Concat</c> of the design, with a queue that cannot grow
/// without bound while the control plane is away).
/// </summary>
internal sealed class ScriptLogShipper : IDisposable
{
    private readonly object _gate = new();
    private readonly IObserver<Unit> _observer;
    private readonly string _source;
    private readonly IControlPlaneClient _client;
    private readonly IScheduler _scheduler;
    private readonly ILogger _logger;
    private readonly PendingScriptLogs _pending = new(ScriptLogs.MaxPendingLines);
    private readonly SerialDisposable _inFlight = new();
    private ScriptLogBatch? _sending;
    private bool _sourceCompleted;
    private bool _noticeAloneTried;
    private bool _finished;
    private bool _overflowWarned;
    private int _drainers;

    public ScriptLogShipper(IObserver<Unit> observer, string source, IControlPlaneClient client, IScheduler scheduler, ILogger logger)
    {
        _observer = System.Reactive.Observer.Synchronize(observer);
        _source = source;
        _client = client;
        _scheduler = scheduler;
        _logger = logger;
    }

    public void OnBatch(IList<StartupLog> lines)
    {
        bool warn;
        lock (_gate)
        {
            warn = _pending.Add(lines) > 0 && !_overflowWarned;
            _overflowWarned |= warn;
        }

        if (warn)
        {
            _logger.LogsOverflowing(ScriptLogs.MaxPendingLines, _source);
        }

        Drain();
    }

    public void OnSourceError(Exception error)
    {
        lock (_gate)
        {
            if (_finished)
                return;
            _finished = true;
        }

        _inFlight.Dispose();
        _observer.OnError(error);
    }

    public void OnSourceCompleted()
    {
        lock (_gate)
            _sourceCompleted = true;
        Drain();
    }

    public void Dispose()
    {
        lock (_gate)
            _finished = true;
        _inFlight.Dispose();
    }

    private static bool IsLogLimit(Exception error)
        => error is ControlPlaneException { StatusCode: HttpStatusCode.RequestEntityTooLarge };

    /// <summary>Runs <see cref="Step"/> on one thread at a time, without recursion when a send ends at once.</summary>
    private void Drain()
    {
        if (Interlocked.Increment(ref _drainers) != 1)
            return;
        do
        {
            Step();
        }
        while (Interlocked.Decrement(ref _drainers) != 0);
    }

    private void Step()
    {
        ScriptLogBatch? next;
        lock (_gate)
        {
            if (_finished || _sending is not null)
                return;
            next = _pending.Take(ScriptLogs.MaxBatchLines, _scheduler.Now, _source);
            if (next is null && _sourceCompleted && !_noticeAloneTried)
            {
                _noticeAloneTried = true;
                next = _pending.TakeNoticeAlone(_scheduler.Now, _source);
            }

            if (next is null && _sourceCompleted)
                _finished = true;
            _sending = next;
        }

        if (next is not null)
            _inFlight.Disposable = Send(next);
        else if (_finished)
            _observer.OnCompleted();
    }

    /// <summary>Every error but the log limit is retried, so the only error that ends a send is a 413.</summary>
    private IDisposable Send(ScriptLogBatch batch)
        => AgentObservable.FromTask(cancellation => _client.PatchStartupLogsAsync(batch.Request, cancellation), _scheduler)
            .RetryWithBackoff(
                ScriptLogs.RetryPolicy,
                _scheduler,
                onRetry: (error, delay) => _logger.LogsRetrying(error, _source, delay),
                shouldRetry: error => !IsLogLimit(error))
            .Subscribe(_ => { }, _ => Refused(batch), () => Accepted(batch));

    private void Accepted(ScriptLogBatch batch)
    {
        lock (_gate)
        {
            _pending.Accepted(batch);
            _overflowWarned = false;
        }

        // Told before the batch stops counting as in flight, so it can never follow the completion.
        _observer.OnNext(Unit.Default);
        Done();
    }

    private void Refused(ScriptLogBatch batch)
    {
        lock (_gate)
            _pending.Refused(batch);
        _logger.LogsRefused(batch.Lines, _source);
        Done();
    }

    private void Done()
    {
        lock (_gate)
            _sending = null;
        Drain();
    }
}
