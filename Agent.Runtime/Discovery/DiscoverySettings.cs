using System.Net;

namespace Agent.Runtime.Discovery;

/// <summary>What <c>agent run --discovery</c> announces: the agent's <paramref name="Name"/> and the SSH listener on <paramref name="Address"/> (not loopback, not a wildcard).</summary>
public sealed record DiscoverySettings(string Name, IPAddress Address)
{
    public DiscoveryTimings Timings { get; init; } = DiscoveryTimings.Default;
}
