namespace Agent.Runtime.Relay.Sse;

/// <summary>
/// A change of the monitor's event stream: <see cref="Reason"/> says why it was lost or failed, and
/// <see cref="RetryIn"/> how long until the next attempt when one is scheduled.
/// </summary>
public sealed record EventStreamStatus(DateTimeOffset At, EventStreamState State, string? Reason = null, TimeSpan? RetryIn = null);
