namespace Agent.Reactive.Statistics;

/// <summary>The agent's cumulative counters since it started (see <see cref="AgentCounters.Totals"/>).</summary>
/// <param name="ConnectionsByProtocol">Connections opened, by protocol (at most <see cref="AgentCounters.MaxProtocols"/> names plus <see cref="AgentCounters.OtherProtocol"/>).</param>
/// <param name="RxBytes">Bytes received.</param>
/// <param name="RxPackets">Packets (or chunks) received.</param>
/// <param name="TxBytes">Bytes sent.</param>
/// <param name="TxPackets">Packets (or chunks) sent.</param>
/// <param name="OpenSessions">Sessions open now, by kind (every kind present).</param>
/// <param name="SessionsStarted">Sessions started, by kind (every kind present).</param>
public sealed record AgentCounterTotals(
    IReadOnlyDictionary<string, long> ConnectionsByProtocol,
    long RxBytes,
    long RxPackets,
    long TxBytes,
    long TxPackets,
    IReadOnlyDictionary<SessionKind, long> OpenSessions,
    IReadOnlyDictionary<SessionKind, long> SessionsStarted);
