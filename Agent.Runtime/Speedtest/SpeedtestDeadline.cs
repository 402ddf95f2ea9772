using System.Reactive.Concurrency;
using System.Reactive.Disposables;

namespace Agent.Runtime.Speedtest;

/// <summary>A cancellation token that also fires when a deadline set on a scheduler passes (virtual time in specs).</summary>
internal sealed class SpeedtestDeadline : IDisposable
{
    private readonly IScheduler _scheduler;
    private readonly CancellationTokenSource _source;
    private readonly SerialDisposable _timer = new();
    private volatile bool _expired;

    public SpeedtestDeadline(IScheduler scheduler, CancellationToken cancellationToken)
    {
        _scheduler = scheduler;
        _source = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
    }

    public CancellationToken Token => _source.Token;

    /// <summary>Whether the deadline passed (rather than the outer token firing).</summary>
    public bool Expired => _expired;

    /// <summary>How long the deadline last set was.</summary>
    public TimeSpan Length { get; private set; }

    /// <summary>Sets the deadline to <paramref name="dueIn"/> from now, replacing the previous one.</summary>
    public void Arm(TimeSpan dueIn)
    {
        Length = dueIn;
        _timer.Disposable = _scheduler.Schedule(dueIn, Expire);
    }

    public void Dispose()
    {
        _timer.Dispose();
        _source.Dispose();
    }

    private void Expire()
    {
        _expired = true;
        try
        {
            _source.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The speed test ended while the deadline fired: nothing left to cancel.
        }
    }
}
