namespace Agent.Specs.Fakes.Ssh;

/// <summary>
/// A clock whose timers fire only when a spec moves it (<see cref="Advance"/>), in due order, on the spec's thread;
/// <see cref="HasTimerDueAt"/> tells whether the code under test is waiting for a given moment.
/// </summary>
public sealed class VirtualTimeProvider : TimeProvider
{
    private readonly Lock _gate = new();
    private readonly List<VirtualTimer> _timers = [];
    private long _ticks;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <summary>Time since the clock was made.</summary>
    public TimeSpan Now => TimeSpan.FromTicks(Interlocked.Read(ref _ticks));

    public override long GetTimestamp() => Interlocked.Read(ref _ticks);

    public override DateTimeOffset GetUtcNow() => new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(Interlocked.Read(ref _ticks));

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new VirtualTimer(this, callback, state);
        lock (_gate)
            _timers.Add(timer);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Whether a timer is armed to fire at <paramref name="moment"/> (time since the clock was made).</summary>
    public bool HasTimerDueAt(TimeSpan moment)
    {
        lock (_gate)
            return _timers.Any(t => t.Due == moment.Ticks);
    }

    /// <summary>Moves the clock by <paramref name="by"/>, firing every timer that falls due on the way.</summary>
    public void Advance(TimeSpan by)
    {
        var target = Interlocked.Read(ref _ticks) + by.Ticks;
        while (true)
        {
            VirtualTimer? next;
            lock (_gate)
                next = _timers.Where(t => t.Due is { } due && due <= target).MinBy(t => t.Due);
            if (next is null)
                break;
            Interlocked.Exchange(ref _ticks, Math.Max(Interlocked.Read(ref _ticks), next.Due!.Value));
            next.Fire();
        }

        Interlocked.Exchange(ref _ticks, target);
    }

    private void Remove(VirtualTimer timer)
    {
        lock (_gate)
            _timers.Remove(timer);
    }

    private sealed class VirtualTimer(VirtualTimeProvider clock, TimerCallback callback, object? state) : ITimer
    {
        private readonly Lock _gate = new();
        private long? _due;
        private long _period;

        public long? Due
        {
            get
            {
                lock (_gate)
                    return _due;
            }
        }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (_gate)
            {
                _due = dueTime == Timeout.InfiniteTimeSpan ? null : clock.GetTimestamp() + dueTime.Ticks;
                _period = period == Timeout.InfiniteTimeSpan ? 0 : period.Ticks;
            }

            return true;
        }

        public void Fire()
        {
            lock (_gate)
                _due = _period > 0 ? _due + _period : null;
            callback(state);
        }

        public void Dispose()
        {
            lock (_gate)
                _due = null;
            clock.Remove(this);
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
