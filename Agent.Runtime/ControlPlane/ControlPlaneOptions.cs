using System.Reactive.Concurrency;
using Agent.Runtime.Relay.Yamux;

namespace Agent.Runtime.ControlPlane;

/// <summary>Settings of the embedded control plane.</summary>
public sealed record ControlPlaneOptions
{
    /// <summary><c>host:port</c> to listen on (port 0 picks a free port); <c>localhost</c> listens on both loopbacks.</summary>
    public string Address { get; init; } = "127.0.0.1:7080";

    /// <summary>An agent is <c>connected</c> while its last API call is more recent than this.</summary>
    public TimeSpan AgentTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The <c>report_interval</c> answered to <c>POST me/report-stats</c>.</summary>
    public TimeSpan StatsInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often an idle event stream sends a <c>: ping</c> comment.</summary>
    public TimeSpan EventPingInterval { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Bytes of events that may wait for one event-stream client beyond its snapshot (latest values are coalesced);
    /// a client that falls further behind is disconnected and reconnects for a fresh snapshot.
    /// </summary>
    public long EventQueueBytes { get; init; } = 4 << 20;

    /// <summary>Largest request body accepted.</summary>
    public long MaxRequestBodyBytes { get; init; } = 4 << 20;

    /// <summary>
    /// Largest number of simultaneous connections (Kestrel's cap, plain and upgraded alike): the sum of the budgets, so
    /// that every refusal is the application's (503 to a token's request, throttled warnings), never Kestrel's.
    /// </summary>
    public long MaxConnections => (long)MaxUnauthenticatedConnections + MaxAgentConnections + MaxUserConnections + MaxReplicaConnections;

    /// <summary>Connections in all that carried an agent token (HTTP and relays): what a whole fleet may hold.</summary>
    public int MaxAgentConnections { get; init; } = 20_000;

    /// <summary>Connections one agent token may hold (its relay and a few HTTP connections); a newer relay replaces an older one.</summary>
    public int MaxConnectionsPerAgent { get; init; } = 8;

    /// <summary>Connections that carried a user token: the people's own pool, which agents cannot take.</summary>
    public int MaxUserConnections { get; init; } = 256;

    /// <summary>
    /// Connections that carried another replica's credentials (one per stream it forwards for its users or agents'
    /// relays): the replicas' own pool, apart from the users', the agents' and the unauthenticated budgets.
    /// </summary>
    public int MaxReplicaConnections { get; init; } = 1024;

    /// <summary>Time to send a request's headers (and, between requests, to start the next one) before the connection is closed.</summary>
    public TimeSpan RequestHeadersTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long an idle connection is kept open between requests.</summary>
    public TimeSpan KeepAliveTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Connections from one source address (IPv6: one /64) that have not carried an authenticated request yet.</summary>
    public int MaxUnauthenticatedConnectionsPerSource { get; init; } = 128;

    /// <summary>Connections in all that have not carried an authenticated request yet; the budgets of agent and user tokens are apart.</summary>
    public int MaxUnauthenticatedConnections { get; init; } = 512;

    /// <summary>How many session recordings the database keeps per agent, and how large each may be (issue 14).</summary>
    public RecordingCaps Recordings { get; init; } = RecordingCaps.Default;

    /// <summary>
    /// How long metadata, app health, stats and the last-seen time wait before they are written to the database
    /// (newest per key); <c>/events</c> shows them at once.
    /// </summary>
    public TimeSpan FlushInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How often a replica tells the database it is alive.</summary>
    public TimeSpan ReplicaHeartbeatInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A replica whose last heartbeat is older than this counts as gone to its peers, and so do the relays it held
    /// (their agents reconnect elsewhere).
    /// </summary>
    public TimeSpan ReplicaTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>The clock and the timers of the disconnection watch and of the database's coalesced writes.</summary>
    public IScheduler Scheduler { get; init; } = DefaultScheduler.Instance;

    /// <summary>The clock of what is not a pipeline (the dashboard's sign-ins expire by it).</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>The multiplexer of the agents' relays (window, stream limit, keepalive).</summary>
    public YamuxOptions Relay { get; init; } = new();

    /// <summary>Throws when a value is out of range or the address is not <c>host:port</c>.</summary>
    public void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Address);
        _ = ListenAddress.Parse(Address);
        ArgumentNullException.ThrowIfNull(Scheduler);
        ArgumentNullException.ThrowIfNull(Clock);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(AgentTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(StatsInterval, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(EventPingInterval, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(FlushInterval, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ReplicaHeartbeatInterval, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ReplicaTimeout, ReplicaHeartbeatInterval);
        ArgumentOutOfRangeException.ThrowIfLessThan(EventQueueBytes, 1024);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRequestBodyBytes, 1024);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConnectionsPerAgent, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxAgentConnections, MaxConnectionsPerAgent);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxUserConnections, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxReplicaConnections, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(RequestHeadersTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(KeepAliveTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxUnauthenticatedConnectionsPerSource, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxUnauthenticatedConnections, MaxUnauthenticatedConnectionsPerSource);
    }
}
