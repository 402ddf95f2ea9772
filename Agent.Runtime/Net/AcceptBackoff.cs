using System.Net.Sockets;
using System.Reactive.Concurrency;
using Agent.Reactive;
using Agent.Reactive.Linq;

namespace Agent.Runtime.Net;

/// <summary>
/// Accepts connections on a listening socket, and when accept fails (EMFILE or ENFILE when descriptors run out,
/// ENOBUFS, ENOMEM, ECONNABORTED...) waits before the next try instead of spinning: 5 ms, doubling up to 1 s, on
/// <see cref="IScheduler"/> time. A burst of failures is reported twice, when it starts and when accept works again,
/// never once per failure. One instance per accept loop (not thread-safe).
/// </summary>
public sealed class AcceptBackoff
{
    private readonly Func<CancellationToken, ValueTask<Socket>> _accept;
    private readonly AcceptBurstReport _report;
    private readonly IScheduler _scheduler;
    private int _failures;
    private DateTimeOffset _burstStarted;

    /// <param name="accept">One accept call (e.g. <see cref="Socket.AcceptAsync(CancellationToken)"/>).</param>
    /// <param name="report">Told when a burst of failures starts and ends.</param>
    /// <param name="scheduler">The clock of the waits; the default scheduler when <c>null</c>.</param>
    public AcceptBackoff(Func<CancellationToken, ValueTask<Socket>> accept, AcceptBurstReport report, IScheduler? scheduler = null)
    {
        ArgumentNullException.ThrowIfNull(accept);
        ArgumentNullException.ThrowIfNull(report);
        _accept = accept;
        _report = report;
        _scheduler = scheduler ?? DefaultScheduler.Instance;
    }

    /// <summary>5 ms doubling to 1 s, no jitter.</summary>
    public static BackoffPolicy Policy { get; } = new(TimeSpan.FromMilliseconds(5), TimeSpan.FromSeconds(1));

    /// <summary>Failed accepts in the current burst (0 when the last accept worked).</summary>
    public int Failures => _failures;

    /// <summary>The next accepted socket; <c>null</c> once <paramref name="cancellationToken"/> is cancelled or the listening socket is closed.</summary>
    public async Task<Socket?> AcceptAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            TimeSpan delay;
            try
            {
                var socket = await _accept(cancellationToken).ConfigureAwait(false);
                if (_failures > 0)
                    _report.Ended(_failures, _scheduler.Now - _burstStarted);
                _failures = 0;
                return socket;
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return null;
            }
            catch (SocketException e) when (cancellationToken.IsCancellationRequested || e.SocketErrorCode is SocketError.OperationAborted or SocketError.Shutdown or SocketError.NotSocket)
            {
                return null;
            }
            catch (SocketException e)
            {
                if (_failures == 0)
                {
                    _burstStarted = _scheduler.Now;
                    _report.Started(e);
                }

                delay = Policy.DelayFor(_failures, 0);
                _failures++;
            }

            if (!await WaitAsync(delay, cancellationToken).ConfigureAwait(false))
                return null;
        }

        return null;
    }

    // Continues on the scheduler's thread as the timer fires (no asynchronous hop), so virtual time drives the loop.
    private async Task<bool> WaitAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        var elapsed = new TaskCompletionSource<bool>();
        using var timer = _scheduler.Schedule(delay, () => elapsed.TrySetResult(true));
        await using var cancel = cancellationToken.Register(() => elapsed.TrySetResult(false)).ConfigureAwait(false);
        return await elapsed.Task.ConfigureAwait(false);
    }
}
