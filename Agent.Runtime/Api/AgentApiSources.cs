using System.Reactive.Concurrency;
using Agent.Reactive;
using Agent.Reactive.Monitoring;
using Agent.Reactive.Statistics;

namespace Agent.Runtime.Api;

/// <summary>What the HTTP API reads: the agent's events (snapshot first), its counters, a clock, and its own process.</summary>
/// <param name="Events">The agent's event feed.</param>
/// <param name="Counters">The connection and traffic counters.</param>
/// <param name="Scheduler">The clock of the listening-ports cache.</param>
/// <param name="ProcessId">The agent's process: its own listeners are not listed as workspace ports.</param>
public sealed record AgentApiSources(IObservable<AgentEvent> Events, AgentCounters Counters, IScheduler Scheduler, int ProcessId)
{
    /// <summary>The sources of a running <paramref name="agent"/> in this process.</summary>
    public static AgentApiSources From(WorkspaceAgent agent, IScheduler scheduler)
    {
        ArgumentNullException.ThrowIfNull(agent);
        return new AgentApiSources(agent.Events, agent.Counters, scheduler, Environment.ProcessId);
    }
}
