using System.Reactive.Concurrency;
using System.Reactive.Linq;
using Agent.Reactive.Monitoring;
using Agent.Reactive.Protocol;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Hosting;

/// <summary>
/// Once start-up has finished (the first <c>ready</c>, <c>start_error</c> or <c>start_timeout</c>) and a moment has
/// passed for the relay and services to settle, one blocking, compacting and aggressive collection returns the start-up
/// garbage (manifest JSON, HTTP and key-loading buffers) to the OS: the gen0 budget alone would keep it resident until
/// the next collection, which an idle agent may not reach for hours. Measured with <c>bench/agent-start.sh</c>.
/// </summary>
internal static class StartupMemoryTrim
{
    /// <summary>How long after start-up finished the collection runs.</summary>
    public static readonly TimeSpan Settle = TimeSpan.FromSeconds(1);

    /// <summary>Calls <paramref name="collect"/> once, <paramref name="settle"/> after the first finished start-up in <paramref name="events"/>.</summary>
    public static IDisposable Schedule(IObservable<AgentEvent> events, TimeSpan settle, IScheduler scheduler, Action collect)
        => events
            .OfType<LifecycleChanged>()
            .Where(changed => changed.State is LifecycleState.Ready or LifecycleState.StartError or LifecycleState.StartTimeout)
            .Take(1)
            .Delay(settle, scheduler)
            .Subscribe(_ => collect());

    /// <summary>The collection itself, logged with the managed heap's size before and after.</summary>
    public static void Collect(ILogger logger)
    {
        var before = GC.GetTotalMemory(forceFullCollection: false);
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        logger.StartupMemoryReturned(before, GC.GetTotalMemory(forceFullCollection: false));
    }
}
