using Agent.Reactive.Monitoring;
using Agent.Reactive.Protocol;

namespace Agent.Runtime.ControlPlane;

/// <summary>
/// Something one agent's <see cref="ControlPlaneAgent"/> took from its agent, as the other replicas of the database
/// need it to show the same: one <see cref="Kind"/> and the fields that kind uses (the rest stay <c>null</c>).
/// </summary>
/// <param name="Agent">The agent's name.</param>
/// <param name="Kind">What changed.</param>
/// <param name="At">When the sending replica took it.</param>
public sealed record AgentChange(string Agent, AgentChangeKind Kind, DateTimeOffset At)
{
    public StartupRequest? Startup { get; init; }

    public LifecycleReport? Lifecycle { get; init; }

    public string? LogSource { get; init; }

    public IReadOnlyList<StartupLog>? Logs { get; init; }

    public string? MetadataKey { get; init; }

    public MetadataResult? Metadata { get; init; }

    public IReadOnlyDictionary<Guid, AppHealth>? AppHealth { get; init; }

    public Stats? Stats { get; init; }

    public RelayChanged? Relay { get; init; }

    public AgentEvent? Terminal { get; init; }
}
