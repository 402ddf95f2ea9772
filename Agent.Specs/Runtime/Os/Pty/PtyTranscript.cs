using System.Text;

namespace Agent.Specs.Runtime.Os.Pty;

/// <summary>Everything a terminal printed so far, collected from its output chunks on any thread.</summary>
internal sealed class PtyTranscript : IObserver<ReadOnlyMemory<byte>>
{
    private readonly Lock _gate = new();
    private readonly MemoryStream _bytes = new();
    private readonly TaskCompletionSource _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Completed => _completed.Task;

    public string Text
    {
        get
        {
            lock (_gate)
                return Encoding.UTF8.GetString(_bytes.GetBuffer(), 0, (int)_bytes.Length);
        }
    }

    public bool Contains(string text) => Text.Contains(text, StringComparison.Ordinal);

    /// <summary>How often <paramref name="text"/> occurs in the output.</summary>
    public int Count(string text)
    {
        var all = Text;
        var count = 0;
        for (var at = all.IndexOf(text, StringComparison.Ordinal); at >= 0; at = all.IndexOf(text, at + text.Length, StringComparison.Ordinal))
            count++;
        return count;
    }

    public void OnNext(ReadOnlyMemory<byte> value)
    {
        lock (_gate)
            _bytes.Write(value.Span);
    }

    public void OnError(Exception error) => _completed.TrySetException(error);

    public void OnCompleted() => _completed.TrySetResult();
}
