using System.Threading.Tasks.Sources;

namespace Agent.Runtime.Relay.Yamux;

/// <summary>
/// A reusable single-waiter wake-up (no allocation per wait): the owner arms it under its lock, a signaller
/// disarms it under the same lock and completes it outside; cancellation completes it with
/// <see cref="OperationCanceledException"/>. Continuations run asynchronously, never on the signalling loop.
/// </summary>
internal sealed class YamuxSignal : IValueTaskSource
{
    private readonly Lock _gate;
    private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = true };
    private CancellationTokenRegistration _registration;
    private bool _armed;

    public YamuxSignal(Lock gate)
    {
        _gate = gate;
    }

    /// <summary>Arms the signal; the caller holds the owner's lock and awaits the result after releasing it.</summary>
    public ValueTask Arm(CancellationToken cancellationToken)
    {
        _core.Reset();
        _armed = true;
        var wait = new ValueTask(this, _core.Version);
        if (cancellationToken.CanBeCanceled)
            _registration = cancellationToken.UnsafeRegister(static (state, token) => ((YamuxSignal)state!).Cancel(token), this);
        return wait;
    }

    /// <summary>Under the owner's lock: true when a waiter was armed (call <see cref="Release"/> after the lock).</summary>
    public bool Disarm()
    {
        if (!_armed)
            return false;
        _armed = false;
        return true;
    }

    /// <summary>Wakes the waiter taken by <see cref="Disarm"/>; called outside the owner's lock.</summary>
    public void Release()
    {
        _registration.Dispose();
        _registration = default;
        _core.SetResult(true);
    }

    /// <summary>Wakes the waiter of a signal armed without cancellation by its only signaller (no lock needed).</summary>
    public void ReleaseUnguarded()
    {
        _armed = false;
        _core.SetResult(true);
    }

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
        => _core.OnCompleted(continuation, state, token, flags);

    public void GetResult(short token) => _core.GetResult(token);

    private void Cancel(CancellationToken token)
    {
        lock (_gate)
        {
            if (!_armed)
                return;
            _armed = false;
        }

        _core.SetException(new OperationCanceledException(token));
    }
}
