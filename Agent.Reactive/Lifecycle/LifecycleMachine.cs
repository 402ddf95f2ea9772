using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using Agent.Reactive.Protocol;
using Microsoft.Extensions.Logging;

namespace Agent.Reactive.Lifecycle;

/// <summary>
/// The agent's lifecycle state (Coder's <c>setLifecycle</c>): it only moves forward in the order of
/// <see cref="LifecycleState"/>. A move to the same state is accepted and changes nothing; a move back
/// is refused with a warning. It starts at <see cref="LifecycleState.Created"/>, which is never reported.
/// </summary>
public sealed class LifecycleMachine : IDisposable
{
    private readonly Lock _gate = new();
    private readonly IScheduler _scheduler;
    private readonly ILogger _logger;

    // Holds one report and no resources: completed on Dispose, never disposed, so a late subscriber
    // still gets the final state and the completion instead of an ObjectDisposedException.
    private readonly ReplaySubject<LifecycleReport> _changes = new(1);
    private LifecycleState _current = LifecycleState.Created;
    private bool _disposed;

    public LifecycleMachine(IScheduler scheduler, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        ArgumentNullException.ThrowIfNull(logger);
        _scheduler = scheduler;
        _logger = logger;
    }

    public LifecycleState Current
    {
        get
        {
            lock (_gate)
                return _current;
        }
    }

    /// <summary>
    /// The latest report at once (nothing while still <see cref="LifecycleState.Created"/>), then every
    /// change with the time it happened; completes when the machine is disposed.
    /// </summary>
    public IObservable<LifecycleReport> Changes => _changes.AsObservable();

    /// <summary>
    /// Moves to <paramref name="next"/> if it is not behind the current state. Returns false when the
    /// move was refused (backwards, or the machine is disposed); moving to the current state is a no-op.
    /// </summary>
    public bool TrySet(LifecycleState next)
    {
        lock (_gate)
        {
            if (_disposed)
            {
                _logger.MoveRefusedClosed(_current, next);
                return false;
            }

            if (next < _current)
            {
                _logger.MoveRefusedBackwards(_current, next);
                return false;
            }

            if (next == _current)
                return true;

            _current = next;

            // Emitted under the lock so that observers see the states in the order they were set.
            _changes.OnNext(new LifecycleReport(next, _scheduler.Now));
            return true;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
                return;
            _disposed = true;
            _changes.OnCompleted();
        }
    }
}
