using System.Reactive.Linq;
using Agent.Reactive.Monitoring;

namespace Agent.Runtime.ControlPlane;

/// <summary>
/// The pipeline of the all-agents stream's changes: every agent's events, only the kinds that change its summary
/// (connection, relay, startup, lifecycle, app health, resources), mapped to the agent's summary now, sent when it differs from
/// the one sent before (the first one compared with is the snapshot's). One subscription per agent for the whole
/// server, however many clients (<see cref="WorkspaceSummaries"/> shares it).
/// </summary>
internal static class SummaryChanges
{
    /// <summary>Each change of an agent's summary after <paramref name="snapshot"/> (which holds every agent's).</summary>
    public static IObservable<SummaryFrame> Of(IEnumerable<ControlPlaneAgent> agents, IReadOnlyDictionary<string, SummaryFrame> snapshot)
        => agents.Select(agent => agent.Events
                .Where(ChangesSummary)
                .Select(_ => SummaryFrame.Of(agent.Summary()))
                .StartWith(snapshot[agent.Name])
                .DistinctUntilChanged(SummaryFrame.SameBytes)
                .Skip(1))
            .Merge();

    /// <summary>Whether <paramref name="agentEvent"/> is of a kind that changes <see cref="AgentSummary"/>'s live fields.</summary>
    public static bool ChangesSummary(AgentEvent agentEvent)
        => agentEvent is ConnectionChanged or RelayChanged or StartupReported or LifecycleChanged or AppHealthChanged or ResourcesChanged;
}
