using System.Net;
using Agent.Reactive.Relay;
using Agent.Reactive.Terminal;
using Agent.Runtime.Discovery;
using Agent.Runtime.Relay.Yamux;

namespace Agent.Runtime.Hosting;

/// <summary>What an agent serves to the people who connect, and how its relay behaves.</summary>
public sealed record AgentServicesOptions
{
    /// <summary>Host keys and direct listeners; SSH through the relay uses the same host keys.</summary>
    public required SshSetup Ssh { get; init; }

    /// <summary>The agent's data directory: the HTTP API's Unix socket lives in it.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>A loopback address to serve the HTTP API on too (<c>--api-address</c>), or <c>null</c>.</summary>
    public IPEndPoint? ApiAddress { get; init; }

    /// <summary>What <c>--discovery</c> announces on the LAN, or <c>null</c> (off).</summary>
    public DiscoverySettings? Discovery { get; init; }

    /// <summary>The reconnecting terminals (backlog, inactivity timeout).</summary>
    public TerminalOptions Terminal { get; init; } = TerminalOptions.Default;

    /// <summary>Reconnection and pings of the relay.</summary>
    public RelayOptions Relay { get; init; } = RelayOptions.Default;

    /// <summary>The relay's multiplexer (window, stream limit, keepalive).</summary>
    public YamuxOptions Multiplexer { get; init; } = new();
}
