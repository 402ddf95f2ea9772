using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using System.Text;
using Agent.Reactive.Effects;
using Agent.Reactive.Metadata;
using Agent.Reactive.Monitoring;
using Agent.Reactive.Protocol;
using Agent.Specs.Fakes.Metadata;
using Agent.Specs.Utilities;
using Microsoft.Extensions.Logging;

namespace Agent.Specs.Reactive.Metadata;

public sealed class MetadataReportingSpecs
{
    private readonly HistoricalScheduler _scheduler = new();
    private readonly RecordingLogger _logger = new();
    private readonly List<MetadataCollected> _events = [];
    private readonly MetadataControlPlane _client;
    private Func<string, CancellationToken, Task<CommandResult>> _run = (script, _) => ScriptedLauncher.Output(script);
    private ScriptedLauncher? _launcher;

    public MetadataReportingSpecs() => _client = new MetadataControlPlane(_scheduler);

    private ScriptedLauncher Launcher => _launcher ??= new ScriptedLauncher(_scheduler, (script, ct) => _run(script, ct));

    [Fact]
    public void Run_IntervalZero_CollectsOnceAndCollectedAtNeverChanges()
    {
        Start(Item("a", interval: 0));

        AdvanceTo(10);

        var post = Assert.Single(_client.Posts);
        Assert.Equal("a", post.Key);
        Assert.Equal(Time(0), post.Result.CollectedAt);
        Assert.Equal("echo a", post.Result.Value);
        Assert.Equal(string.Empty, post.Result.Error);
        var collected = Assert.Single(_events);
        Assert.Equal(("a", "display a"), (collected.Key, collected.DisplayName));
        Assert.Equal(MetadataResults.MaxOutputBytes, Assert.Single(Launcher.MaxOutputBytesSeen));
    }

    [Fact]
    public void Run_IntervalOne_CollectsEverySecondWithNewCollectedAt()
    {
        Start(Item("a", interval: 1));

        AdvanceTo(3);

        Assert.Equal([Time(0), Time(1), Time(2), Time(3)], _client.Posts.Select(p => p.Result.CollectedAt));
        Assert.Equal(4, _events.Count);
    }

    [Fact]
    public void Run_IntervalThree_CollectsOnlyWhenTheIntervalHasPassed()
    {
        Start(Item("a", interval: 3));

        AdvanceTo(7);

        Assert.Equal([Seconds(0), Seconds(3), Seconds(6)], Launcher.StartsOf("echo a"));
    }

    [Fact]
    public void Run_ExitOne_ReportsExitStatus()
    {
        _run = (_, _) => ScriptedLauncher.Output("oops", exitCode: 1);
        Start(Item("a", interval: 0));

        AdvanceTo(1);

        var result = Assert.Single(_client.Posts).Result;
        Assert.Equal("run cmd: exit status 1", result.Error);
        Assert.Equal("oops", result.Value);
    }

    [Fact]
    public void Run_OutputOverTenKiB_IsTruncatedWithError()
    {
        _run = (_, _) => Task.FromResult(new CommandResult(0, Encoding.UTF8.GetBytes(new string('x', 10240)), 20000));
        Start(Item("a", interval: 0));

        AdvanceTo(1);

        var result = Assert.Single(_client.Posts).Result;
        Assert.Equal("run cmd: output truncated from 20000 to 10240 bytes", result.Error);
        Assert.Equal(10240, result.Value.Length);
    }

    [Fact]
    public void Run_ExitAndTruncation_ErrorsJoinedLikeGo()
    {
        _run = (_, _) => Task.FromResult(new CommandResult(2, Encoding.UTF8.GetBytes(new string('x', 10240)), 10241));
        Start(Item("a", interval: 0));

        AdvanceTo(1);

        Assert.Equal(
            "run cmd: exit status 2\noutput truncated from 10241 to 10240 bytes",
            Assert.Single(_client.Posts).Result.Error);
    }

    [Fact]
    public void Run_ScriptOutlivesTimeout_IsCancelledAndReportsDeadline()
    {
        var cancellations = 0;
        _run = (_, ct) => ScriptedLauncher.Hanging(ct, () => cancellations++);
        Start(Item("a", interval: 10, timeout: 2));

        AdvanceTo(1.9);
        Assert.Empty(_client.Posts);
        AdvanceTo(2);

        var post = Assert.Single(_client.Posts);
        Assert.Equal("run cmd: context deadline exceeded", post.Result.Error);
        Assert.Equal(Time(0), post.Result.CollectedAt);
        Assert.Equal(2, post.Result.Age);
        Assert.Equal(1, cancellations);
    }

    [Fact]
    public void Run_NoIntervalNoTimeout_CollectsOnceWithFiveSecondTimeout()
    {
        _run = (_, ct) => ScriptedLauncher.Hanging(ct, () => { });
        Start(Item("a", interval: 0, timeout: 0));

        AdvanceTo(4.9);
        Assert.Empty(_client.Posts);
        AdvanceTo(20);

        var post = Assert.Single(_client.Posts);
        Assert.Equal(Seconds(5), post.At);
        Assert.Equal("run cmd: context deadline exceeded", post.Result.Error);
        Assert.Single(Launcher.Starts);
    }

    [Fact]
    public void Run_TimeoutZero_FallsBackToInterval()
    {
        _run = (_, ct) => ScriptedLauncher.Hanging(ct, () => { });
        Start(Item("a", interval: 3, timeout: 0));

        AdvanceTo(3);

        Assert.Equal(Seconds(3), Assert.Single(_client.Posts).At);
    }

    [Fact]
    public void Run_StartFailure_ReportsTheReason()
    {
        _run = (_, _) => Task.FromException<CommandResult>(new InvalidOperationException("no shell"));
        Start(Item("a", interval: 0));

        AdvanceTo(1);

        var result = Assert.Single(_client.Posts).Result;
        Assert.Equal("run cmd: no shell", result.Error);
        Assert.Equal(string.Empty, result.Value);
    }

    [Fact]
    public void Run_MoreThan128Items_CollectsNothingAndLogsOneError()
    {
        Start(Enumerable.Range(0, 129).Select(i => Item($"k{i}", interval: 1)).ToArray());

        AdvanceTo(5);

        Assert.Empty(Launcher.Starts);
        Assert.Empty(_client.Posts);
        var error = Assert.Single(_logger.At(LogLevel.Error));
        Assert.Contains("metadata limit exceeded", error, StringComparison.Ordinal);
        Assert.Contains("129", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_Exactly128Items_CollectsAll()
    {
        Start(Enumerable.Range(0, 128).Select(i => Item($"k{i}", interval: 0)).ToArray());

        AdvanceTo(1);

        Assert.Equal(128, _client.Posts.Count);
    }

    [Fact]
    public void Run_SlowScript_IsStartedOnceAndNotCancelledByLaterTicks()
    {
        var completion = new TaskCompletionSource<CommandResult>();
        var cancelled = false;
        _run = (_, ct) =>
        {
            ct.Register(() => cancelled |= !completion.Task.IsCompleted);
            return Launcher.Starts.Count == 1 ? completion.Task : ScriptedLauncher.Output("fast");
        };
        Start(Item("a", interval: 1, timeout: 10));
        At(5.5, () => completion.SetResult(new CommandResult(0, "slow"u8.ToArray(), 4)));

        AdvanceTo(5.4);
        Assert.Equal([Seconds(0)], Launcher.StartsOf("echo a"));
        AdvanceTo(6);

        Assert.False(cancelled);
        Assert.Equal([Seconds(0), Seconds(6)], Launcher.StartsOf("echo a"));
        Assert.Equal(["slow", "fast"], _client.Posts.Select(p => p.Result.Value));
        Assert.Equal([Time(0), Time(6)], _client.Posts.Select(p => p.Result.CollectedAt));
    }

    [Fact]
    public void Run_SlowScript_DoesNotHoldBackOtherKeys()
    {
        _run = (script, ct) => script == "echo slow" ? ScriptedLauncher.Hanging(ct, () => { }) : ScriptedLauncher.Output(script);
        Start(Item("slow", interval: 1, timeout: 10), Item("fast", interval: 1));

        AdvanceTo(3);

        Assert.Equal([Seconds(0), Seconds(1), Seconds(2), Seconds(3)], Launcher.StartsOf("echo fast"));
        Assert.Equal([Seconds(0)], Launcher.StartsOf("echo slow"));
    }

    [Fact]
    public void Run_PostSlow_SkipsRoundsWhileResultsWait()
    {
        var completion = new TaskCompletionSource();
        _client.OnPost = (_, _) => _client.Posts.Count == 1 ? completion.Task : Task.CompletedTask;
        Start(Item("a", interval: 1));
        At(3.5, completion.SetResult);

        AdvanceTo(5);

        Assert.Equal([Seconds(0), Seconds(4), Seconds(5)], Launcher.StartsOf("echo a"));
        Assert.Equal([Seconds(0), Seconds(4), Seconds(5)], _client.Posts.Select(p => p.At));
        Assert.Equal(3, _events.Count);
        Assert.Equal(Seconds(3.5), TimeSpan.FromTicks(_events[0].At.UtcTicks));
    }

    [Fact]
    public void Run_ResultsOfOneRound_ArePostedOneAtATimeInOrder()
    {
        var first = new TaskCompletionSource();
        _client.OnPost = (key, _) => key == "a" ? first.Task : Task.CompletedTask;
        Start(Item("a", interval: 0), Item("b", interval: 0));

        At(1, first.SetResult);

        AdvanceTo(0.5);
        Assert.Equal(["a"], _client.Posts.Select(p => p.Key));
        AdvanceTo(1);

        Assert.Equal(["a", "b"], _client.Posts.Select(p => p.Key));
        Assert.Equal(["a", "b"], _events.Select(e => e.Key));
    }

    [Fact]
    public void Run_PostFails_IsLoggedAndNextTickBringsAFreshValue()
    {
        _client.OnPost = (_, _) => _client.Posts.Count == 1
            ? Task.FromException(new ControlPlaneException(System.Net.HttpStatusCode.BadGateway, "bad gateway"))
            : Task.CompletedTask;
        Start(Item("a", interval: 1));

        AdvanceTo(1);

        Assert.Equal(2, _client.Posts.Count);
        var collected = Assert.Single(_events);
        Assert.Equal(Time(1), collected.Result.CollectedAt);
        Assert.Contains("failed to report metadata a", Assert.Single(_logger.At(LogLevel.Error)), StringComparison.Ordinal);
    }

    [Fact]
    public void Run_KeyRemovedFromManifest_IsForgotten()
    {
        var manifests = new Subject<Manifest>();
        StartWith(manifests);
        manifests.OnNext(Manifest(Item("a", interval: 0)));
        AdvanceTo(2);
        manifests.OnNext(Manifest(Item("b", interval: 0)));
        AdvanceTo(4);
        manifests.OnNext(Manifest(Item("a", interval: 0)));
        AdvanceTo(6);

        Assert.Equal([Seconds(0), Seconds(4)], Launcher.StartsOf("echo a"));
        Assert.Equal([Seconds(2)], Launcher.StartsOf("echo b"));
    }

    [Fact]
    public void Run_NewManifest_KeptKeysKeepTheirTimesAndNewKeysAreCollectedAtOnce()
    {
        var manifests = new Subject<Manifest>();
        StartWith(manifests);
        manifests.OnNext(Manifest(Item("once", interval: 0), Item("slow", interval: 10)));
        AdvanceTo(2.5);
        manifests.OnNext(Manifest(Item("once", interval: 0), Item("slow", interval: 10), Item("new", interval: 0)));
        AdvanceTo(12);

        Assert.Equal([Seconds(0)], Launcher.StartsOf("echo once"));
        Assert.Equal([Seconds(2.5)], Launcher.StartsOf("echo new"));
        Assert.Equal([Seconds(0), Seconds(10.5)], Launcher.StartsOf("echo slow"));
    }

    [Fact]
    public void Run_NewManifest_CancelsTheOldManifestsRuns()
    {
        var cancellations = 0;
        _run = (script, ct) => script == "echo a" && Launcher.Starts.Count == 1
            ? ScriptedLauncher.Hanging(ct, () => cancellations++)
            : ScriptedLauncher.Output(script);
        var manifests = new Subject<Manifest>();
        StartWith(manifests);
        manifests.OnNext(Manifest(Item("a", interval: 1, timeout: 30)));
        AdvanceTo(2.5);
        manifests.OnNext(Manifest(Item("a", interval: 1, timeout: 30)));
        AdvanceTo(2.6);

        Assert.Equal(1, cancellations);
        Assert.Equal([Seconds(0), Seconds(2.5)], Launcher.StartsOf("echo a"));
        Assert.Equal(Time(2.5), Assert.Single(_client.Posts).Result.CollectedAt);
    }

    private static MetadataDescription Item(string key, long interval, long timeout = 0) => new()
    {
        Key = key,
        DisplayName = "display " + key,
        Script = "echo " + key,
        Interval = interval,
        Timeout = timeout,
    };

    private static Manifest Manifest(params MetadataDescription[] items) => new() { Metadata = items };

    private static TimeSpan Seconds(double seconds) => TimeSpan.FromSeconds(seconds);

    private static DateTimeOffset Time(double seconds) => new(TimeSpan.FromSeconds(seconds).Ticks, TimeSpan.Zero);

    private void Start(params MetadataDescription[] items)
        => StartWith(Observable.Return(Manifest(items)).Concat(Observable.Never<Manifest>()));

    private void StartWith(IObservable<Manifest> manifests)
        => MetadataReporting
            .Run(manifests, (_, script) => new CommandSpec(script, null, []), Launcher, _client, _scheduler, _logger)
            .Subscribe(_events.Add, error => throw new InvalidOperationException("metadata stream failed", error));

    private void At(double seconds, Action action)
        => _scheduler.Schedule(Time(seconds), action);

    private void AdvanceTo(double seconds) => _scheduler.AdvanceTo(Time(seconds));
}
