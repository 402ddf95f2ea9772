using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using System.Reactive.Threading.Tasks;
using Microsoft.Extensions.Logging;

namespace Agent.Reactive.Scripts;

/// <summary>
/// The seam between the <c>start_blocks_login</c> scripts and the sessions: open until blocking scripts start, closed
/// while they run, open again once each of them succeeded, failed or ran past its wait (its timeout, or
/// <see cref="DefaultWait"/> without one). Sessions are never refused: after a failure or a timeout they start with a
/// <see cref="LoginGateState.Notice"/> saying so (as Coder lets you in after a failed script). Thread-safe.
/// </summary>
public sealed class LoginGate : IDisposable
{
    /// <summary>What a terminal session prints while it waits.</summary>
    public const string WaitingLine = "waiting for startup scripts to finish…";

    /// <summary>How long sessions wait for a blocking script that has no timeout.</summary>
    public static readonly TimeSpan DefaultWait = TimeSpan.FromMinutes(5);

    private readonly BehaviorSubject<LoginGateState> _state = new(LoginGateState.Open);
    private readonly Lock _gate = new();

    /// <summary>The state now.</summary>
    public LoginGateState Current => _state.Value;

    /// <summary>The state, now and on every change.</summary>
    public IObservable<LoginGateState> States => _state.DistinctUntilChanged();

    /// <summary>Completes with the open state once the gate is open (at once when it is); cancelling gives up.</summary>
    public Task<LoginGateState> WaitAsync(CancellationToken cancellationToken)
        => _state.FirstAsync(state => state.IsOpen).ToTask(cancellationToken);

    /// <summary>
    /// Closes the gate until each of <paramref name="blocking"/> ended (its observable produces whether it succeeded)
    /// or ran past its wait on <paramref name="scheduler"/>'s clock. Disposing the result opens the gate.
    /// </summary>
    public IDisposable Block(IReadOnlyList<BlockingScript> blocking, IScheduler scheduler, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(blocking);
        ArgumentNullException.ThrowIfNull(scheduler);
        ArgumentNullException.ThrowIfNull(logger);
        if (blocking.Count == 0)
            return Disposable.Empty;

        lock (_gate)
            _state.OnNext(LoginGateState.Waiting);
        logger.LoginGateClosed(blocking.Count);

        var outcomes = blocking.Select(script => script.Ended
            .Take(1)
            .Select(succeeded => succeeded ? null : $"the {script.Name} script failed")
            .Amb(Observable.Timer(script.Wait, scheduler).Select(_ => (string?)$"the {script.Name} script did not finish within {script.Wait}")));
        var watching = outcomes
            .Merge()
            .ToList()
            .Subscribe(
                problems => Open([.. problems.Where(p => p is not null)], logger),
                _ => Open(["a blocking script could not be watched"], logger));
        return new CompositeDisposable(watching, Disposable.Create(() => Open(["the agent is stopping"], logger)));
    }

    public void Dispose() => _state.Dispose();

    private void Open(List<string?> problems, ILogger logger)
    {
        lock (_gate)
        {
            if (_state.Value.IsOpen || _state.IsDisposed)
                return;
            var notice = problems.Count == 0
                ? null
                : $"{string.Join("; ", problems)}: logging in anyway (see the script logs)";
            logger.LoginGateOpened(notice ?? "the blocking startup scripts finished");
            _state.OnNext(new LoginGateState(true, notice));
        }
    }
}
