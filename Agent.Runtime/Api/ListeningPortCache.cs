using System.Reactive.Concurrency;

namespace Agent.Runtime.Api;

/// <summary>
/// Answers from the last scan while it is younger than the maximum age (1 s, like Coder), measured on the
/// scheduler's clock; scans again after that. A failed scan is not cached. Thread-safe (one scan at a time).
/// </summary>
public sealed class ListeningPortCache
{
    /// <summary>How long a scan is reused by default.</summary>
    public static readonly TimeSpan DefaultMaxAge = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private readonly Func<IReadOnlyList<ListeningPort>> _scan;
    private readonly IScheduler _scheduler;
    private readonly TimeSpan _maxAge;
    private IReadOnlyList<ListeningPort>? _ports;
    private DateTimeOffset _scannedAt;

    public ListeningPortCache(Func<IReadOnlyList<ListeningPort>> scan, IScheduler scheduler, TimeSpan maxAge)
    {
        ArgumentNullException.ThrowIfNull(scan);
        ArgumentNullException.ThrowIfNull(scheduler);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxAge, TimeSpan.Zero);
        _scan = scan;
        _scheduler = scheduler;
        _maxAge = maxAge;
    }

    /// <summary>The cached ports, or a fresh scan when they are older than the maximum age.</summary>
    public IReadOnlyList<ListeningPort> Get()
    {
        lock (_gate)
        {
            var now = _scheduler.Now;
            if (_ports is not null && now - _scannedAt < _maxAge && now >= _scannedAt)
                return _ports;
            var ports = _scan();
            _ports = ports;
            _scannedAt = now;
            return ports;
        }
    }
}
