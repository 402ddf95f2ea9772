using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using Agent.Reactive.Effects;
using Agent.Reactive.Protocol;
using Microsoft.Extensions.Logging;

namespace Agent.Reactive.Lifecycle;

/// <summary>
/// The state behind <see cref="LifecycleReporting.Acknowledged"/>: one post at a time, never cancelled by a
/// newer report (a request the control plane may already have taken is seen through), and only the newest
/// report waits behind it. A failed post is retried with <see cref="LifecycleReporting.Retry"/> unless a newer
/// report has arrived meanwhile; a newer report also cuts a retry wait short.
/// </summary>
internal sealed class LatestReportSender : IDisposable
{
    private readonly IObserver<LifecycleReport> _observer;
    private readonly IControlPlaneClient _client;
    private readonly IScheduler _scheduler;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly SerialDisposable _step = new();
    private LifecycleReport? _latest;
    private bool _posting;
    private bool _waiting;
    private bool _completed;
    private int _attempt;

    public LatestReportSender(IObserver<LifecycleReport> observer, IControlPlaneClient client, IScheduler scheduler, ILogger logger)
    {
        _observer = observer;
        _client = client;
        _scheduler = scheduler;
        _logger = logger;
    }

    public void OnNext(LifecycleReport report)
    {
        lock (_gate)
        {
            _latest = report;
            _attempt = 0;
            if (_posting)
                return;
        }

        Post();
    }

    public void OnError(Exception error)
    {
        _step.Dispose();
        _observer.OnError(error);
    }

    public void OnCompleted()
    {
        bool idle;
        lock (_gate)
        {
            _completed = true;
            idle = !_posting && !_waiting && _latest is null;
        }

        if (idle)
            _observer.OnCompleted();
    }

    public void Dispose() => _step.Dispose();

    private void Post()
    {
        LifecycleReport report;
        lock (_gate)
        {
            if (_latest is null)
                return;
            report = _latest;
            _latest = null;
            _posting = true;
            _waiting = false;
        }

        // The step is in place before subscribing: an answer that is already there runs Posted/Failed inline, and
        // the next step they start must not be replaced by this one afterwards.
        var step = new SingleAssignmentDisposable();
        _step.Disposable = step;
        step.Disposable = AgentObservable
            .FromTask(cancellationToken => _client.PostLifecycleAsync(report, cancellationToken), _scheduler)
            .Subscribe(_ => Posted(report), error => Failed(report, error));
    }

    private void Posted(LifecycleReport report)
    {
        _observer.OnNext(report);
        bool more, done;
        lock (_gate)
        {
            _posting = false;
            more = _latest is not null;
            done = !more && _completed;
        }

        if (more)
            Post();
        else if (done)
            _observer.OnCompleted();
    }

    private void Failed(LifecycleReport report, Exception error)
    {
        TimeSpan delay;
        lock (_gate)
        {
            _posting = false;
            if (_latest is null)
            {
                _latest = report;
                delay = LifecycleReporting.Retry.DelayFor(_attempt++, 0.5);
                _waiting = true;
            }
            else
            {
                delay = TimeSpan.Zero;
            }
        }

        if (delay == TimeSpan.Zero)
        {
            _logger.ReportReplaced(report.State, error.Message);
            Post();
            return;
        }

        _logger.ReportRetrying(report.State, error.Message, delay);
        _step.Disposable = _scheduler.Schedule(delay, Post);
    }
}
