using Agent.Reactive.Effects;

namespace Agent.Specs.Fakes.Relay;

/// <summary>A relay connector whose attempts the spec answers: each ConnectAsync waits for the spec's verdict.</summary>
public sealed class FakeRelayConnector : IRelayConnector
{
    public List<TaskCompletionSource<IRelayLink>> Attempts { get; } = [];

    public Task<IRelayLink> ConnectAsync(CancellationToken cancellationToken)
    {
        var attempt = new TaskCompletionSource<IRelayLink>();
        cancellationToken.Register(() => attempt.TrySetCanceled(cancellationToken));
        Attempts.Add(attempt);
        return attempt.Task;
    }

    public FakeRelayLink Connect()
    {
        var link = new FakeRelayLink();
        Attempts[^1].SetResult(link);
        return link;
    }
}
