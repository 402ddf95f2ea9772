using System.Reactive.Concurrency;
using System.Reactive.Linq;
using Agent.Reactive.Linq;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.ControlPlane.Replicas;

/// <summary>The channel's payloads, listened to again with backoff whenever the listening connection fails.</summary>
internal static class ReplicaListener
{
    /// <summary>100 ms, doubling to 10 s, ±20 %; back to 100 ms after a minute listening.</summary>
    public static BackoffPolicy Backoff => BackoffPolicy.Reconnect;

    /// <summary>
    /// <c>null</c> each time the listening connection is (again) established, then the payloads; a failure is logged
    /// and listening starts over after the policy's delay. Never completes, never fails.
    /// </summary>
    public static IObservable<string?> Payloads(IReplicaChannel channel, BackoffPolicy policy, IScheduler scheduler, ILogger logger, Func<double>? random = null)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(scheduler);
        ArgumentNullException.ThrowIfNull(logger);
        return Observable.Defer(channel.Listen)
            .Concat(Observable.Throw<string?>(new IOException("the listening connection ended")))
            .RetryWithBackoff(policy, scheduler, (error, delay) => logger.ListenerLost(error.Message, delay), random: random);
    }
}
