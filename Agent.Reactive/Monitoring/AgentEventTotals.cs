using Agent.Reactive.Protocol;

namespace Agent.Reactive.Monitoring;

/// <summary>What <see cref="AgentEventTally"/> counted.</summary>
/// <param name="Lifecycle">The latest lifecycle state, or <c>null</c> before the first change.</param>
/// <param name="LifecycleTransitions">How often the lifecycle entered each state.</param>
/// <param name="MetadataRuns">Metadata collections per key.</param>
/// <param name="MetadataErrors">Metadata collections with an error per key (keys without errors are absent).</param>
/// <param name="LogLines">Script log lines per source (<c>startup</c>, <c>shutdown</c>).</param>
/// <param name="TerminalsOpened">Reconnecting terminals started.</param>
/// <param name="TerminalDetaches">Clients that left a terminal, by reason (<c>left</c>, <c>too slow</c>).</param>
/// <param name="TerminalsClosed">Reconnecting terminals whose process ended.</param>
public sealed record AgentEventTotals(
    LifecycleState? Lifecycle,
    IReadOnlyDictionary<LifecycleState, long> LifecycleTransitions,
    IReadOnlyDictionary<string, long> MetadataRuns,
    IReadOnlyDictionary<string, long> MetadataErrors,
    IReadOnlyDictionary<string, long> LogLines,
    long TerminalsOpened,
    IReadOnlyDictionary<string, long> TerminalDetaches,
    long TerminalsClosed);
