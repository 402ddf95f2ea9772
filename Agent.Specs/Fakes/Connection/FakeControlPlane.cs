using System.Reactive.Concurrency;
using Agent.Reactive.Effects;
using Agent.Reactive.Protocol;
using Agent.Specs.Utilities;

namespace Agent.Specs.Fakes.Connection;

/// <summary>
/// An in-memory control plane for the connection loop and lifecycle specs. Every answer is an already
/// finished task (so nothing runs on the thread pool), except calls told to hang (pending until their
/// cancellation token fires) or held (pending until the spec answers them; the pipeline sees that answer on
/// its scheduler's next step). Calls are recorded with the scheduler's time.
/// </summary>
public sealed class FakeControlPlane(IScheduler scheduler) : IControlPlaneClient
{
    private readonly Queue<(LifecycleReport Report, TaskCompletionSource Answer)> _held = new();

    public const string SessionToken = "5f1b2c3d-0000-4000-8000-00000000cafe";

    public Manifest Manifest { get; set; } = new() { Directory = "~/project" };

    /// <summary>When set, every call fails with it (the control plane is down).</summary>
    public Exception? Failure { get; set; }

    /// <summary>When set, lifecycle posts fail with it.</summary>
    public Exception? LifecycleFailure { get; set; }

    public bool HangExchange { get; set; }

    public bool HangLifecycle { get; set; }

    /// <summary>When set, lifecycle posts stay in flight until <see cref="ReleaseLifecycle"/> answers them.</summary>
    public bool HoldLifecycle { get; set; }

    public List<DateTimeOffset> TokenExchanges { get; } = [];

    public List<DateTimeOffset> ManifestFetches { get; } = [];

    public List<StartupRequest> Startups { get; } = [];

    /// <summary>Every lifecycle post, successful or not, with the time it was made.</summary>
    public List<(DateTimeOffset At, LifecycleReport Report)> LifecycleAttempts { get; } = [];

    public List<LifecycleReport> LifecycleAccepted { get; } = [];

    public List<StartupLogsRequest> Logs { get; } = [];

    public List<(string Key, MetadataResult Result)> Metadata { get; } = [];

    public List<AppHealthRequest> AppHealth { get; } = [];

    public List<Stats> Stats { get; } = [];

    public List<ResourcesReport> Resources { get; } = [];

    /// <summary>When set, every resources report fails with it (e.g. a 404 from an older control plane).</summary>
    public Exception? ResourcesAnswer { get; set; }

    /// <summary>Every accepted connection-report batch.</summary>
    public List<ConnectionReportsRequest> Connections { get; } = [];

    /// <summary>How many hanging calls were cancelled.</summary>
    public int Cancellations { get; private set; }

    public Task<string> ExchangeTokenAsync(CancellationToken cancellationToken)
    {
        TokenExchanges.Add(scheduler.Now);
        if (HangExchange)
            return Hang<string>(cancellationToken);
        return Answer(SessionToken);
    }

    public Task<Manifest> GetManifestAsync(CancellationToken cancellationToken)
    {
        ManifestFetches.Add(scheduler.Now);
        return Answer(Manifest);
    }

    public Task PostStartupAsync(StartupRequest request, CancellationToken cancellationToken)
    {
        Startups.Add(request);
        return Answer();
    }

    public Task PostLifecycleAsync(LifecycleReport report, CancellationToken cancellationToken)
    {
        LifecycleAttempts.Add((scheduler.Now, report));
        if (HangLifecycle)
            return Hang<bool>(cancellationToken);
        if (HoldLifecycle)
        {
            var held = new TaskCompletionSource();
            _held.Enqueue((report, held));
            return held.Task;
        }

        if ((Failure ?? LifecycleFailure) is { } failure)
            return Task.FromException(failure);
        LifecycleAccepted.Add(report);
        return Task.CompletedTask;
    }

    public Task PatchStartupLogsAsync(StartupLogsRequest request, CancellationToken cancellationToken)
    {
        Logs.Add(request);
        return Answer();
    }

    public Task PostMetadataAsync(string key, MetadataResult result, CancellationToken cancellationToken)
    {
        Metadata.Add((key, result));
        return Answer();
    }

    public Task PostAppHealthAsync(AppHealthRequest request, CancellationToken cancellationToken)
    {
        AppHealth.Add(request);
        return Answer();
    }

    public Task<StatsResponse> PostStatsAsync(Stats stats, CancellationToken cancellationToken)
    {
        Stats.Add(stats);
        return Answer(new StatsResponse(TimeSpan.FromSeconds(30)));
    }

    /// <summary>Every <c>PATCH me/logs</c> (an old control plane when <see cref="LogsEndpointMissing"/>: each answered 404).</summary>
    public List<LogsRequest> SourceLogs { get; } = [];

    /// <summary>When set, <c>PATCH me/logs</c> answers 404, as a control plane older than log sources does.</summary>
    public bool LogsEndpointMissing { get; set; }

    public Task PatchLogsAsync(LogsRequest request, CancellationToken cancellationToken)
    {
        if (LogsEndpointMissing)
            return Task.FromException(new ControlPlaneException(System.Net.HttpStatusCode.NotFound, "Route not found."));
        SourceLogs.Add(request);
        return Answer();
    }

    public Task PostResourcesMonitoringAsync(ResourcesReport report, CancellationToken cancellationToken)
    {
        Resources.Add(report);
        return ResourcesAnswer is { } answer ? Task.FromException(answer) : Answer();
    }

    public Task PostConnectionsAsync(ConnectionReportsRequest request, CancellationToken cancellationToken)
    {
        Connections.Add(request);
        return Answer();
    }

    // Session recording: this fake is a control plane of before it, which answers 404.
    public Task<RecordingStartResponse> StartRecordingAsync(RecordingStartRequest request, CancellationToken cancellationToken)
        => Task.FromException<RecordingStartResponse>(new ControlPlaneException(System.Net.HttpStatusCode.NotFound, "Route not found"));

    public Task AppendRecordingAsync(string id, RecordingChunkRequest chunk, CancellationToken cancellationToken)
        => Task.FromException(new ControlPlaneException(System.Net.HttpStatusCode.NotFound, "Route not found"));

    public Task EndRecordingAsync(string id, RecordingEndRequest request, CancellationToken cancellationToken)
        => Task.FromException(new ControlPlaneException(System.Net.HttpStatusCode.NotFound, "Route not found"));

    /// <summary>Answers the oldest held lifecycle post: accepted, or failed with <paramref name="failure"/>.</summary>
    public void ReleaseLifecycle(Exception? failure = null)
    {
        var (report, held) = _held.Dequeue();
        if (failure is not null)
        {
            held.SetException(failure);
            return;
        }

        LifecycleAccepted.Add(report);
        held.SetResult();
    }

    // Every call fails with Failure while it is set (the control plane is down).
    private Task Answer() => Failure is { } failure ? Task.FromException(failure) : Task.CompletedTask;

    private Task<T> Answer<T>(T value) => Failure is { } failure ? Task.FromException<T>(failure) : Task.FromResult(value);

    private Task<T> Hang<T>(CancellationToken cancellationToken)
        => Pending.UntilCancelled<T>(cancellationToken, () => Cancellations++);
}
