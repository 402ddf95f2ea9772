using System.Reactive;
using System.Reactive.Concurrency;
using System.Reactive.Linq;
using Agent.Reactive.Linq;

namespace Agent.Runtime.ControlPlane.Persistence;

/// <summary>When one agent's coalesced writes are flushed to the database.</summary>
internal static class CoalescedWrites
{
    /// <summary>
    /// Runs <paramref name="flush"/> an <paramref name="interval"/> after something became pending (a
    /// <paramref name="changes"/> signal, or <paramref name="hasPending"/> already true), one flush at a time; the next
    /// interval opens with the first change after a flush completed. A burst of changes within an interval is one
    /// flush, so the database sees at most one flush per agent per interval; an idle agent arms no timer. Produces once
    /// per flush; never completes or fails (<paramref name="flush"/> must not throw).
    /// </summary>
    public static IObservable<Unit> Flushes(
        IObservable<Unit> changes, Func<bool> hasPending, TimeSpan interval, IScheduler scheduler, Func<Task> flush)
    {
        ArgumentNullException.ThrowIfNull(changes);
        ArgumentNullException.ThrowIfNull(hasPending);
        ArgumentNullException.ThrowIfNull(scheduler);
        ArgumentNullException.ThrowIfNull(flush);

        // The changes are subscribed before the pending state is looked at, so no change falls between the two.
        return changes
            .Merge(Observable.Return(Unit.Default, ImmediateScheduler.Instance))
            .Where(_ => hasPending())
            .Take(1)
            .SelectMany(_ => Observable.Timer(interval, scheduler))
            .SelectMany(_ => AgentObservable.FromTask(_ => flush(), scheduler))
            .Repeat();
    }
}
