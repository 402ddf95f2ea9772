using System.Net;
using Agent.Runtime.Http;

namespace Agent.Runtime.Api;

/// <summary>Where and how the agent's HTTP API listens.</summary>
public sealed record AgentApiOptions
{
    /// <summary>The Unix socket to serve on (always); its directory must be private (0700), else a fresh one is used.</summary>
    public required string UnixSocketPath { get; init; }

    /// <summary>An extra loopback TCP address (<c>--api-address</c>); port 0 picks one.</summary>
    public IPEndPoint? TcpEndpoint { get; init; }

    /// <summary>Where proc is mounted.</summary>
    public string ProcRoot { get; init; } = "/proc";

    /// <summary>How long a listening-ports scan is reused.</summary>
    public TimeSpan ListeningPortsMaxAge { get; init; } = ListeningPortCache.DefaultMaxAge;

    /// <summary>Request headers, keep-alive idle time and non-streaming requests are each bounded by this.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>A <c>: ping</c> comment goes to an idle event stream this often.</summary>
    public TimeSpan EventPingInterval { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Bytes of events that may wait for one event-stream client beyond its snapshot (latest values are coalesced);
    /// a client that falls further behind is disconnected and reconnects for a fresh snapshot.
    /// </summary>
    public long EventQueueBytes { get; init; } = 4 << 20;

    /// <summary>Concurrent connections (event streams included).</summary>
    public int MaxConnections { get; init; } = 64;

    /// <exception cref="ArgumentException">A value is out of range or the TCP address is not loopback.</exception>
    public void Validate()
    {
        ArgumentException.ThrowIfNullOrEmpty(UnixSocketPath);
        ArgumentException.ThrowIfNullOrEmpty(ProcRoot);
        if (TcpEndpoint is not null && !ApiListenAddress.IsLoopback(TcpEndpoint.Address))
            throw new ArgumentException($"the agent API only listens on loopback addresses, not {TcpEndpoint}", nameof(TcpEndpoint));
        ArgumentOutOfRangeException.ThrowIfLessThan(ListeningPortsMaxAge, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(RequestTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(EventPingInterval, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(EventQueueBytes, 1024);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConnections, 1);
    }
}
