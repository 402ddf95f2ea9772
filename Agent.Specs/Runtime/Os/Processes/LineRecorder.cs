namespace Agent.Specs.Runtime.Os.Processes;

/// <summary>Thread-safe observer that keeps every line and can signal when a condition on them holds.</summary>
internal sealed class LineRecorder : IObserver<string>
{
    private readonly List<string> _lines = [];
    private readonly Func<IReadOnlyList<string>, bool> _condition;
    private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public LineRecorder(Func<IReadOnlyList<string>, bool>? condition = null)
        => _condition = condition ?? (_ => false);

    public Task Reached => _reached.Task;

    public bool Completed { get; private set; }

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
                return _lines.ToList();
        }
    }

    public void OnNext(string value)
    {
        lock (_lines)
        {
            _lines.Add(value);
            if (_condition(_lines))
                _reached.TrySetResult();
        }
    }

    public void OnError(Exception error) => Completed = true;

    public void OnCompleted() => Completed = true;
}
