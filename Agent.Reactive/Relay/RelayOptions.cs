using Agent.Reactive.Linq;

namespace Agent.Reactive.Relay;

/// <summary>How the agent keeps its relay to the control plane.</summary>
/// <param name="Backoff">Delays between reconnection attempts (the connection loop's by default).</param>
/// <param name="PingInterval">How often the round trip is measured for the stats' median latency.</param>
/// <param name="PingTimeout">A ping unanswered this long counts as lost (the multiplexer's keepalive ends a dead link).</param>
public sealed record RelayOptions(BackoffPolicy Backoff, TimeSpan PingInterval, TimeSpan PingTimeout)
{
    public static RelayOptions Default { get; } = new(BackoffPolicy.Reconnect, TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(10));
}
