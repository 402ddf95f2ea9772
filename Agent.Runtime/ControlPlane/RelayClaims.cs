using System.Collections.Concurrent;
using System.Reactive;
using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using Agent.Reactive.Linq;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.ControlPlane;

/// <summary>
/// This replica's claims of the relays it holds, in the <see cref="IRelayDirectory"/>: claimed when a relay attaches
/// (a failure is logged and retried with backoff while the relay is held), released when it detaches. An agent's
/// claims and releases run one at a time and each first checks what is held now, so a relay that replaced another
/// (or came back at once) keeps its claim whatever order the database sees them in.
/// </summary>
internal sealed class RelayClaims
{
    /// <summary>How a failed claim is retried: 1 s doubling to 30 s, ±20 %.</summary>
    public static readonly BackoffPolicy Retry = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), Jitter: 0.2);

    private readonly ConcurrentDictionary<string, SemaphoreSlim> _turns = new(StringComparer.Ordinal);
    private readonly IRelayDirectory _directory;
    private readonly IScheduler _scheduler;
    private readonly ILogger _logger;
    private readonly Func<double>? _random;

    public RelayClaims(IRelayDirectory directory, IScheduler scheduler, ILogger logger, Func<double>? random = null)
    {
        _directory = directory;
        _scheduler = scheduler;
        _logger = logger;
        _random = random;
    }

    /// <summary>
    /// Claims <paramref name="agent"/>'s relay while <paramref name="isHeld"/> says this attachment is the agent's
    /// current relay, retrying failures until it succeeds or the result is disposed; disposing releases the claim
    /// unless <paramref name="isHeldByAny"/> says a relay of the agent is still held here.
    /// </summary>
    public IDisposable Hold(string agent, Func<bool> isHeld, Func<bool> isHeldByAny)
    {
        var claim = Claims(agent, isHeld).Subscribe(_ => { }, _ => { });
        return Disposable.Create(() =>
        {
            claim.Dispose();
            _ = ReleaseAsync(agent, isHeldByAny);
        });
    }

    /// <summary>One claim, retried after failures; completes once written (or no longer wanted).</summary>
    public IObservable<Unit> Claims(string agent, Func<bool> isHeld)
        => Observable.Defer(() => AgentObservable.FromTask(cancellationToken => ClaimAsync(agent, isHeld, cancellationToken), _scheduler))
            .RetryWithBackoff(Retry, _scheduler, (error, delay) => _logger.RelayClaimFailed(agent, delay.TotalSeconds, error.Message), random: _random);

    private async Task ClaimAsync(string agent, Func<bool> isHeld, CancellationToken cancellationToken)
    {
        var turn = _turns.GetOrAdd(agent, _ => new SemaphoreSlim(1, 1));
        await turn.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!isHeld())
                return;
            await _directory.ClaimAsync(agent, cancellationToken).ConfigureAwait(false);
            _logger.RelayClaimed(agent);
        }
        finally
        {
            turn.Release();
        }
    }

    private async Task ReleaseAsync(string agent, Func<bool> isHeldByAny)
    {
        var turn = _turns.GetOrAdd(agent, _ => new SemaphoreSlim(1, 1));
        await turn.WaitAsync().ConfigureAwait(false);
        try
        {
            if (!isHeldByAny())
                await _directory.ReleaseAsync(agent, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or RelayOpenException or InvalidOperationException)
        {
            _logger.RelayReleaseFailed(agent, ex.Message);
        }
        finally
        {
            turn.Release();
        }
    }
}
