using System.Reactive.Concurrency;
using System.Reactive.Linq;
using Agent.Reactive.Effects;
using Agent.Reactive.Monitoring;
using Agent.Runtime.Relay.Sse;

namespace Agent.Runtime.Commands.Monitor;

/// <summary>The dashboard as a stream: folding events and stream changes, and waiting for a settled snapshot.</summary>
public static class DashboardStates
{
    /// <summary>
    /// Folds both streams into states, starting from <see cref="DashboardState.Empty"/>. Subscribe
    /// <paramref name="status"/> first: a change of the stream is published before the events it concerns.
    /// </summary>
    public static IObservable<DashboardState> Fold(IObservable<EventStreamStatus> status, IObservable<AgentEvent> events)
    {
        ArgumentNullException.ThrowIfNull(status);
        ArgumentNullException.ThrowIfNull(events);
        return Observable
            .Merge(
                status.Select(change => (Func<DashboardState, DashboardState>)(state => state.Apply(change))),
                events.Select(agentEvent => (Func<DashboardState, DashboardState>)(state => state.Apply(agentEvent))))
            .Scan(DashboardState.Empty, (state, apply) => apply(state));
    }

    /// <summary>
    /// The first state after the stream connected and the snapshot settled: nothing new for
    /// <paramref name="quiet"/>, or <paramref name="maxWait"/> after connecting if live events keep coming.
    /// A lost or failed stream is an error (a <see cref="ControlPlaneException"/> carrying the reason).
    /// </summary>
    public static IObservable<DashboardState> FirstSettled(
        this IObservable<DashboardState> states, TimeSpan quiet, TimeSpan maxWait, IScheduler scheduler)
    {
        ArgumentNullException.ThrowIfNull(states);
        ArgumentNullException.ThrowIfNull(scheduler);
        return states
            .Select(state => state.Stream is { State: EventStreamState.Lost or EventStreamState.Failed } broken
                ? throw new ControlPlaneException(broken.Reason ?? "the event stream broke")
                : state)
            .SkipWhile(state => state.Stream?.State != EventStreamState.Connected)
            .Publish(connected => connected
                .Throttle(quiet, scheduler)
                .Merge(connected.Take(1)
                    .SelectMany(_ => Observable.Timer(maxWait, scheduler))
                    .WithLatestFrom(connected, (_, latest) => latest)))
            .Take(1);
    }
}
