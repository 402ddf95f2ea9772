using System.Collections.Immutable;
using System.Reactive.Linq;
using Agent.Reactive.Linq;

namespace Agent.Runtime.ControlPlane;

/// <summary>
/// The all-agents stream (<c>GET /api/v2/workspace/events</c>) as one shared pipeline: while at least one client
/// watches, one subscription per agent (<see cref="SummaryChanges"/>) keeps the latest summary frame of every agent;
/// a client gets all of them sorted by name, then each change. The frames are made once and shared by the clients;
/// when the last client leaves, the agents' subscriptions and the frames go.
/// </summary>
internal sealed class WorkspaceSummaries
{
    private readonly IObservable<State> _states;

    public WorkspaceSummaries(IReadOnlyList<ControlPlaneAgent> agents)
    {
        ArgumentNullException.ThrowIfNull(agents);
        _states = Observable.Defer(() =>
            {
                var snapshot = agents.ToDictionary(agent => agent.Name, agent => SummaryFrame.Of(agent.Summary()), StringComparer.Ordinal);
                var start = new State(ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, snapshot), null);
                return SummaryChanges.Of(agents, snapshot)
                    .Scan(start, (state, changed) => new State(state.All.SetItem(changed.Name, changed), changed))
                    .StartWith(start);
            })
            .ReplayLatestWhileObserved();
    }

    /// <summary>Every agent's summary frame sorted by name, then each change, until the agents are disposed.</summary>
    public IObservable<SummaryFrame> Frames
        => _states.Select((state, index) => index == 0 || state.Changed is null ? (IEnumerable<SummaryFrame>)state.All.Values : [state.Changed])
            .SelectMany(frames => frames);

    /// <summary>Every agent's latest frame, and the one that just changed (<c>null</c> for the first state).</summary>
    private sealed record State(ImmutableSortedDictionary<string, SummaryFrame> All, SummaryFrame? Changed);
}
