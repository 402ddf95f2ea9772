using System.Reactive.Concurrency;
using Agent.Reactive.Effects;
using Agent.Reactive.Protocol;
using Agent.Specs.Fakes.ControlPlane;

namespace Agent.Specs.Fakes.Scripts;

/// <summary>
/// A control plane for script log specs, on a virtual clock: records every PATCH attempt, answers each one
/// as <see cref="Answer"/> decides after <see cref="Latency"/>, and stores the accepted ones.
/// </summary>
public sealed class FakeLogControlPlane(IScheduler scheduler)
    : SingleEndpointControlPlane(scheduler, "script specs only send logs")
{
    /// <summary>Given the request and the 0-based attempt number, returns null to accept or the error to fail with.</summary>
    public Func<StartupLogsRequest, int, Exception?> Answer { get; set; } = (_, _) => null;

    /// <summary>How long the answer takes (virtual time); zero answers with an already completed task.</summary>
    public TimeSpan Latency { get; set; } = TimeSpan.Zero;

    public List<LogPatchAttempt> Attempts { get; } = [];

    public List<StartupLogsRequest> Stored { get; } = [];

    public IEnumerable<string> StoredOutput => Stored.SelectMany(request => request.Logs).Select(log => log.Output);

    public int InFlight { get; private set; }

    public int MaxInFlight { get; private set; }

    public int Cancelled { get; private set; }

    public static ControlPlaneException LogLimit()
        => new(System.Net.HttpStatusCode.RequestEntityTooLarge, "startup logs too large");

    public static ControlPlaneException Unavailable()
        => new(System.Net.HttpStatusCode.ServiceUnavailable, "control plane unavailable");

    public override Task PatchStartupLogsAsync(StartupLogsRequest request, CancellationToken cancellationToken)
    {
        var attempt = Attempts.Count;
        Attempts.Add(new LogPatchAttempt(Scheduler.Now, request));
        var error = Answer(request, attempt);
        if (Latency == TimeSpan.Zero)
        {
            if (error is not null)
                return Task.FromException(error);
            Stored.Add(request);
            return Task.CompletedTask;
        }

        var answer = new TaskCompletionSource();
        InFlight++;
        MaxInFlight = Math.Max(MaxInFlight, InFlight);
        var timer = Scheduler.Schedule(Latency, () =>
        {
            InFlight--;
            if (error is not null)
            {
                answer.SetException(error);
                return;
            }

            Stored.Add(request);
            answer.SetResult();
        });
        cancellationToken.Register(() =>
        {
            if (answer.TrySetCanceled(cancellationToken))
            {
                timer.Dispose();
                InFlight--;
                Cancelled++;
            }
        });
        return answer.Task;
    }
}
