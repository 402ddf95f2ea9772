using System.Reactive.Concurrency;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.ControlPlane.Replicas;

/// <summary>
/// Sends this replica's changes to its peers, in the order taken, each with the next number of this replica's
/// sequence, on the channel's one sending connection. Between the agents and that connection a queue bounded in
/// bytes: a change that does not fit, and everything queued when a send fails, is dropped and logged; its number is
/// spent, so the peers see the gap and read the database. "Seen" goes through a <see cref="SeenThrottle"/>.
/// </summary>
internal sealed class ReplicaOutbox : IAsyncDisposable
{
    /// <summary>Changes are gathered into one round trip while it holds fewer payloads than this (a change's parts are never split).</summary>
    public const int MaxBatchPayloads = 256;

    /// <summary>How long stopping waits for what is queued to go out (a stopping replica's relays closing).</summary>
    public static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(2);

    private readonly Lock _gate = new();
    private readonly Guid _self;
    private readonly IReplicaChannel _channel;
    private readonly long _maxBytes;
    private readonly SeenThrottle _seen;
    private readonly IScheduler _scheduler;
    private readonly ILogger _logger;
    private readonly Queue<IReadOnlyList<string>> _queue = new();
    private readonly SemaphoreSlim _signal = new(0);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _sending;
    private long _sequence;
    private long _queuedBytes;
    private bool _overflowing;
    private bool _closed;

    /// <param name="self">This replica.</param>
    /// <param name="channel">The database's channel.</param>
    /// <param name="maxBytes">Bytes of payloads that may wait.</param>
    /// <param name="seenEvery">How often an agent's "seen" goes out at most.</param>
    /// <param name="scheduler">The clock of the throttle.</param>
    /// <param name="logger">Where drops are logged.</param>
    public ReplicaOutbox(Guid self, IReplicaChannel channel, long maxBytes, TimeSpan seenEvery, IScheduler scheduler, ILogger logger)
    {
        _self = self;
        _channel = channel;
        _maxBytes = maxBytes;
        _seen = new SeenThrottle(seenEvery);
        _scheduler = scheduler;
        _logger = logger;
        _sending = Task.Run(SendAsync);
    }

    /// <summary>Changes sent (or handed to a failed send) so far: the last number used.</summary>
    public long Sequence
    {
        get
        {
            lock (_gate)
                return _sequence;
        }
    }

    /// <summary>Queues <paramref name="change"/> for the peers (thread-safe; never waits).</summary>
    public void Post(AgentChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (change.Kind == AgentChangeKind.Seen && !_seen.Pass(change.Agent, _scheduler.Now))
            return;
        lock (_gate)
        {
            if (_closed)
                return;
            var payloads = ReplicaMessage.Encode(_self, ++_sequence, change);
            var bytes = payloads.Sum(payload => (long)payload.Length);
            if (_queuedBytes + bytes > _maxBytes)
            {
                if (!_overflowing)
                    _logger.OutboxOverflowed(change.Agent, change.Kind, _maxBytes);
                _overflowing = true;
                return;
            }

            _overflowing = false;
            _queuedBytes += bytes;
            _queue.Enqueue(payloads);

            // Under the lock, so that it never meets a disposed semaphore; the sender continues asynchronously.
            _signal.Release();
        }
    }

    /// <summary>
    /// Takes no more changes, sends what is queued (up to <see cref="DrainTimeout"/>), then stops; what is left is
    /// dropped (the peers read the database when they miss it).
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            if (_closed)
                return;
            _closed = true;
            _signal.Release();
        }

        _stopping.CancelAfter(DrainTimeout);
        try
        {
            await _sending;
        }
        catch (OperationCanceledException)
        {
            // Stopping: the loop ends with the cancellation.
        }

        _stopping.Dispose();
        _signal.Dispose();
    }

    private async Task SendAsync()
    {
        while (true)
        {
            await _signal.WaitAsync(_stopping.Token);
            var payloads = new List<string>();
            var changes = 0;
            lock (_gate)
            {
                // Everything queued goes in one round trip (up to MaxBatchPayloads): one NOTIFY per round trip could not
                // keep up with a few thousand agents, and the queue overflowed into gaps and reloads.
                while (payloads.Count < MaxBatchPayloads && _queue.TryDequeue(out var change))
                {
                    payloads.AddRange(change);
                    changes++;
                }

                if (changes == 0)
                {
                    if (_closed)
                        return;
                    continue;
                }

                _queuedBytes -= payloads.Sum(payload => (long)payload.Length);
            }

            try
            {
                await _channel.NotifyAsync(payloads, _stopping.Token);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                int dropped;
                lock (_gate)
                {
                    dropped = _queue.Count;
                    _queue.Clear();
                    _queuedBytes = 0;
                }

                _logger.NotifyFailed(dropped + changes, ex.Message);
            }
        }
    }
}
