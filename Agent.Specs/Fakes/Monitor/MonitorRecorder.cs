namespace Agent.Specs.Fakes.Monitor;

/// <summary>Records what an observable sends, from any thread, and lets a spec wait for a condition with a deadline.</summary>
public sealed class MonitorRecorder<T> : IObserver<T>
{
    private readonly Lock _gate = new();
    private readonly List<T> _values = [];
    private readonly List<(Func<MonitorRecorder<T>, bool> Condition, TaskCompletionSource Done)> _waiters = [];

    public static TimeSpan Deadline { get; } = TimeSpan.FromSeconds(20);

    public Exception? Error { get; private set; }

    public bool Completed { get; private set; }

    public IReadOnlyList<T> Values
    {
        get
        {
            lock (_gate)
                return _values.ToList();
        }
    }

    public void OnNext(T value) => Change(() => _values.Add(value));

    public void OnError(Exception error) => Change(() => Error = error);

    public void OnCompleted() => Change(() => Completed = true);

    /// <summary>Completes when <paramref name="condition"/> holds; fails after <see cref="Deadline"/>.</summary>
    public Task WaitUntilAsync(Func<MonitorRecorder<T>, bool> condition)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (condition(this))
                return Task.CompletedTask;
            _waiters.Add((condition, done));
        }

        return done.Task.WaitAsync(Deadline);
    }

    public Task WaitForCountAsync(int count) => WaitUntilAsync(recorder => recorder._values.Count >= count);

    private void Change(Action change)
    {
        lock (_gate)
        {
            change();
            foreach (var waiter in _waiters.Where(waiter => waiter.Condition(this)).ToList())
            {
                _waiters.Remove(waiter);
                waiter.Done.TrySetResult();
            }
        }
    }
}
