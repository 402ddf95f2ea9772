using Agent.Reactive.Effects;

namespace Agent.Specs.Fakes.Relay;

/// <summary>A relay link the spec ends and whose pings it answers (already-completed tasks, for virtual time).</summary>
public sealed class FakeRelayLink : IRelayLink
{
    private readonly TaskCompletionSource _completion = new();

    public TimeSpan? PingAnswer { get; set; } = TimeSpan.FromMilliseconds(12);

    public int Pings { get; private set; }

    public bool Disposed { get; private set; }

    public Task Completion => _completion.Task;

    public void Lose(string reason) => _completion.TrySetException(new IOException(reason));

    public void Close() => _completion.TrySetResult();

    public Task<TimeSpan> PingAsync(CancellationToken cancellationToken)
    {
        Pings++;
        return PingAnswer is { } answer ? Task.FromResult(answer) : new TaskCompletionSource<TimeSpan>().Task;
    }

    public ValueTask DisposeAsync()
    {
        Disposed = true;
        return ValueTask.CompletedTask;
    }
}
