namespace Agent.Specs.Utilities;

/// <summary>Tasks that stand for calls which never answer (a hung process, probe or control plane).</summary>
public static class Pending
{
    /// <summary>
    /// A task that never completes on its own: when <paramref name="cancellationToken"/> fires,
    /// <paramref name="onCancelled"/> runs and then the task ends as cancelled.
    /// </summary>
    public static Task<T> UntilCancelled<T>(CancellationToken cancellationToken, Action onCancelled)
    {
        var completion = new TaskCompletionSource<T>();
        cancellationToken.Register(() =>
        {
            onCancelled();
            completion.TrySetCanceled(cancellationToken);
        });
        return completion.Task;
    }

    /// <summary>The untyped form of <see cref="UntilCancelled{T}"/>.</summary>
    public static Task UntilCancelled(CancellationToken cancellationToken, Action onCancelled)
        => UntilCancelled<bool>(cancellationToken, onCancelled);
}
