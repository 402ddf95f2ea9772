namespace Agent.Runtime.Relay.Endpoint;

/// <summary>What the agent serves on its relay ports (docs/relay-protocol.md); a missing service answers "unavailable".</summary>
public sealed record RelayServices
{
    /// <summary>Port 1: one SSH connection per stream.</summary>
    public Func<Stream, CancellationToken, Task>? Ssh { get; init; }

    /// <summary>Port 2: one reconnecting-terminal connection per stream (init frame first).</summary>
    public Func<Stream, CancellationToken, Task>? ReconnectingPty { get; init; }

    /// <summary>Port 3: one speed test per stream.</summary>
    public Func<Stream, CancellationToken, Task>? Speedtest { get; init; }

    /// <summary>Port 4: one HTTP connection to the agent's API per stream.</summary>
    public Func<Stream, CancellationToken, Task>? HttpApi { get; init; }

    /// <summary>How long a forwarded port may take to accept the connection.</summary>
    public TimeSpan ForwardConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
