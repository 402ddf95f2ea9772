using Agent.Reactive.Linq;

namespace Agent.Reactive.Connection;

/// <summary>How the connection loop holds and re-establishes its connection.</summary>
public sealed record ConnectionLoopOptions
{
    /// <summary>A manifest poll every 10 s, reconnection with <see cref="BackoffPolicy.Reconnect"/>.</summary>
    public static ConnectionLoopOptions Default { get; } = new();

    /// <summary>Time between two manifest fetches while connected; each fetch is the liveness check.</summary>
    public TimeSpan ManifestPollInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Delays between reconnection attempts.</summary>
    public BackoffPolicy Backoff { get; init; } = BackoffPolicy.Reconnect;
}
