namespace Agent.Reactive.Monitoring;

/// <summary>
/// Deliveries that run one at a time, in the order they were queued, and never under the owner's lock: the owner
/// queues under its lock (so the order matches its state) and calls <see cref="Drain"/> after releasing it. The
/// first thread to drain runs every queued delivery, including those queued meanwhile by other threads or by the
/// deliveries themselves; everyone else returns at once. The queue grows only while a delivery runs, so it stays
/// as short as the observers are quick (the feed's observers hand events to bounded queues of their own).
/// </summary>
internal sealed class DeliveryQueue(Lock gate)
{
    private readonly Queue<Action> _pending = new();
    private bool _draining;

    /// <summary>Queues <paramref name="delivery"/>; the caller holds the owner's lock.</summary>
    public void Enqueue(Action delivery) => _pending.Enqueue(delivery);

    /// <summary>Runs the queue unless another thread (or an outer frame of this one) already does; call without the lock.</summary>
    public void Drain()
    {
        lock (gate)
        {
            if (_draining)
                return;
            _draining = true;
        }

        var finished = false;
        try
        {
            while (true)
            {
                Action? next;
                lock (gate)
                {
                    if (!_pending.TryDequeue(out next))
                    {
                        _draining = false;
                        finished = true;
                        return;
                    }
                }

                next();
            }
        }
        finally
        {
            // An observer threw: the exception goes to this caller, and the next caller drains the rest.
            if (!finished)
            {
                lock (gate)
                    _draining = false;
            }
        }
    }
}
