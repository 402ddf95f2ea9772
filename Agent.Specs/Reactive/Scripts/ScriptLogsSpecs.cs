using System.Reactive;
using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using Agent.Reactive.Monitoring;
using Agent.Reactive.Protocol;
using Agent.Reactive.Scripts;
using Agent.Specs.Fakes.Scripts;
using Agent.Specs.Utilities;
using Microsoft.Reactive.Testing;

namespace Agent.Specs.Reactive.Scripts;

public sealed class ScriptLogsSpecs : ReactiveTest
{
    private const string LimitNotice = "the control plane's log limit was reached";

    private readonly TestScheduler _scheduler = new();
    private readonly FakeLogControlPlane _controlPlane;
    private readonly RecordingLogger _logger = new();
    private readonly ReplaySubject<AgentEvent> _events = new();
    private readonly Subject<string> _lines = new();
    private readonly ITestableObserver<Unit> _results;

    public ScriptLogsSpecs()
    {
        _controlPlane = new FakeLogControlPlane(_scheduler);
        _results = _scheduler.CreateObserver<Unit>();
    }

    [Fact]
    public void Stream_NullArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>(() => ScriptLogs.Stream(null!, "startup", _controlPlane, _scheduler, _logger));
        Assert.Throws<ArgumentNullException>(() => ScriptLogs.Stream(_lines, null!, _controlPlane, _scheduler, _logger));
        Assert.Throws<ArgumentNullException>(() => ScriptLogs.Stream(_lines, "startup", null!, _scheduler, _logger));
        Assert.Throws<ArgumentNullException>(() => ScriptLogs.Stream(_lines, "startup", _controlPlane, null!, _logger));
        Assert.Throws<ArgumentNullException>(() => ScriptLogs.Stream(_lines, "startup", _controlPlane, _scheduler, null!));
    }

    [Fact]
    public void Stream_Line_TellsEventsAndStampsLogWithSchedulerClock()
    {
        using var subscription = Start(LogSources.Shutdown);

        At(10, "hello");
        _scheduler.AdvanceTo(Ms(500));

        Assert.Equal([new LogLine(Time(10), "shutdown", "hello")], _events.ToEnumerable().Take(1));
        var patch = Assert.Single(_controlPlane.Stored);
        Assert.Equal("shutdown", patch.LogSource);
        Assert.Equal([new StartupLog(Time(10), "hello")], patch.Logs);
    }

    [Fact]
    public void Stream_LinesThenQuiet_SendsOneBatch100msAfterTheLastLine()
    {
        using var subscription = Start();

        At(10, "a");
        At(60, "b");
        _scheduler.AdvanceTo(Ms(1000));

        var attempt = Assert.Single(_controlPlane.Attempts);
        Assert.Equal(Time(160), attempt.At);
        Assert.Equal(["a", "b"], attempt.Output);
    }

    [Fact]
    public void Stream_HundredLines_SendsAtOnceAndTheRestAfterQuiet()
    {
        using var subscription = Start();

        At(10, Numbered(0, 101));
        _scheduler.AdvanceTo(Ms(1000));

        Assert.Equal([Time(10), Time(110)], _controlPlane.Attempts.Select(attempt => attempt.At));
        Assert.Equal(100, _controlPlane.Attempts[0].Request.Logs.Count);
        Assert.Equal(["line 100"], _controlPlane.Attempts[1].Output);
    }

    [Fact]
    public void Stream_SlowControlPlane_OneBatchInFlightAndOrderKept()
    {
        _controlPlane.Latency = TimeSpan.FromSeconds(1);
        using var subscription = Start();

        At(0, Numbered(0, 100));
        At(10, Numbered(100, 100));
        At(20, Numbered(200, 5));
        _scheduler.AdvanceTo(Ms(500));

        Assert.Single(_controlPlane.Attempts);
        _scheduler.AdvanceTo(Ms(5000));
        Assert.Equal(1, _controlPlane.MaxInFlight);
        Assert.Equal(3, _controlPlane.Attempts.Count);
        Assert.Equal(Numbered(0, 205), _controlPlane.StoredOutput);
    }

    [Fact]
    public void Stream_PatchFails_RetriesAfter1sThenDoublingUpTo5s()
    {
        _controlPlane.Answer = (_, attempt) => attempt < 5 ? FakeLogControlPlane.Unavailable() : null;
        using var subscription = Start();

        At(0, "a");
        _scheduler.AdvanceTo(Ms(30_000));

        var gaps = _controlPlane.Attempts.Zip(_controlPlane.Attempts.Skip(1), (a, b) => Math.Round((b.At - a.At).TotalSeconds, 3));
        Assert.Equal([1.0, 2.0, 4.0, 5.0, 5.0], gaps);
        Assert.Equal(["a"], _controlPlane.StoredOutput);
        Assert.Equal(5, _logger.Warnings.Count(message => message.Contains("retrying", StringComparison.Ordinal)));
    }

    [Fact]
    public void Stream_LogLimit_DropsBatchWithoutRetryAndPrependsNoticeToNextBatch()
    {
        _controlPlane.Answer = (_, attempt) => attempt == 0 ? FakeLogControlPlane.LogLimit() : null;
        using var subscription = Start();

        At(0, "a", "b", "c");
        At(500, "d");
        _scheduler.AdvanceTo(Ms(2000));

        Assert.Equal(2, _controlPlane.Attempts.Count);
        Assert.Equal([$"[agent] 3 log lines were dropped: {LimitNotice}", "d"], _controlPlane.StoredOutput);
        Assert.Equal("warn", _controlPlane.Stored[0].Logs[0].Level);
        Assert.Contains(_logger.Warnings, message => message.Contains("Log limit of the control plane reached, dropped 3 lines", StringComparison.Ordinal));
    }

    [Fact]
    public void Stream_LogLimitTwice_NoticeCountKeepsGrowingAndIsSentOnce()
    {
        _controlPlane.Answer = (_, attempt) => attempt < 2 ? FakeLogControlPlane.LogLimit() : null;
        using var subscription = Start();

        At(0, "a", "b", "c");
        At(500, "d", "e");
        At(1000, "f");
        At(1500, "g");
        _scheduler.AdvanceTo(Ms(3000));

        Assert.Equal([$"[agent] 5 log lines were dropped: {LimitNotice}", "f", "g"], _controlPlane.StoredOutput);
        Assert.Equal(["g"], _controlPlane.Attempts[3].Output);
    }

    [Fact]
    public void Stream_LastBatchRefused_SendsNoticeAloneAtCompletionThenCompletes()
    {
        _controlPlane.Answer = (_, attempt) => attempt == 0 ? FakeLogControlPlane.LogLimit() : null;
        using var subscription = Start();

        At(0, "a", "b");
        _scheduler.Schedule(Time(20), () => _lines.OnCompleted());
        _scheduler.AdvanceTo(Ms(1000));

        Assert.Equal([$"[agent] 2 log lines were dropped: {LimitNotice}"], _controlPlane.StoredOutput);
        Assert.Equal(NotificationKind.OnCompleted, _results.Messages.Last().Value.Kind);
    }

    [Fact]
    public void Stream_NoticeAloneRefusedToo_TriedOnceThenCompletes()
    {
        _controlPlane.Answer = (_, _) => FakeLogControlPlane.LogLimit();
        using var subscription = Start();

        At(0, "a", "b");
        _scheduler.Schedule(Time(20), () => _lines.OnCompleted());
        _scheduler.AdvanceTo(Ms(60_000));

        Assert.Equal(2, _controlPlane.Attempts.Count);
        Assert.Equal([$"[agent] 2 log lines were dropped: {LimitNotice}"], _controlPlane.Attempts[1].Output);
        Assert.Equal([OnCompleted<Unit>(_controlPlane.Attempts[1].At.Ticks)], _results.Messages);
    }

    [Fact]
    public void Stream_SourceCompletes_CompletesOnlyAfterTheLastBatchWasAccepted()
    {
        _controlPlane.Latency = TimeSpan.FromSeconds(2);
        using var subscription = Start();

        At(0, "a");
        _scheduler.Schedule(Time(10), () => _lines.OnCompleted());
        _scheduler.AdvanceTo(Ms(2000));

        Assert.Empty(_results.Messages);
        _scheduler.AdvanceTo(Ms(2100));
        Assert.Equal([NotificationKind.OnNext, NotificationKind.OnCompleted], _results.Messages.Select(message => message.Value.Kind));
        Assert.Equal(Time(10), _controlPlane.Attempts.Single().At);
    }

    [Fact]
    public void Stream_NothingWritten_CompletesWithoutSending()
    {
        using var subscription = Start();

        _scheduler.Schedule(Time(10), () => _lines.OnCompleted());
        _scheduler.AdvanceTo(Ms(100));

        Assert.Empty(_controlPlane.Attempts);
        Assert.Equal([OnCompleted<Unit>(Ms(10))], _results.Messages);
    }

    [Fact]
    public void Stream_ControlPlaneAwayForLong_QueueStaysBoundedAndNoticeCountsTheOverflow()
    {
        _controlPlane.Answer = (_, _) => _scheduler.Now < Time(60_000) ? FakeLogControlPlane.Unavailable() : null;
        using var subscription = Start();

        At(0, Numbered(0, 20_000));
        _scheduler.Schedule(Time(10), () => _lines.OnCompleted());
        _scheduler.AdvanceTo(Ms(120_000));

        var output = _controlPlane.StoredOutput.ToList();
        Assert.Equal(1 + 100 + ScriptLogs.MaxPendingLines, output.Count);
        Assert.Equal(Numbered(0, 100), output.Take(100));
        Assert.Equal("[agent] 9900 log lines were dropped: more than 10000 lines waited for the control plane", output[100]);
        Assert.Equal(Numbered(10_000, 10_000), output.Skip(101));
        Assert.Single(_logger.Warnings, message => message.Contains("dropping the oldest", StringComparison.Ordinal));
        Assert.Equal(NotificationKind.OnCompleted, _results.Messages.Last().Value.Kind);
    }

    [Fact]
    public void Stream_Unsubscribed_CancelsThePatchInFlight()
    {
        _controlPlane.Latency = TimeSpan.FromSeconds(1);
        var subscription = Start();

        At(0, "a");
        _scheduler.AdvanceTo(Ms(500));
        subscription.Dispose();
        _scheduler.AdvanceTo(Ms(5000));

        Assert.Equal(1, _controlPlane.Cancelled);
        Assert.Empty(_controlPlane.Stored);
        Assert.Empty(_results.Messages);
    }

    [Fact]
    public void Stream_SourceFails_PassesTheErrorOn()
    {
        using var subscription = Start();
        var error = new InvalidOperationException("broken pipe");

        _scheduler.Schedule(Time(10), () => _lines.OnError(error));
        _scheduler.AdvanceTo(Ms(100));

        Assert.Equal([OnError<Unit>(Ms(10), error)], _results.Messages);
    }

    private static long Ms(double milliseconds) => TimeSpan.FromMilliseconds(milliseconds).Ticks;

    private static DateTimeOffset Time(double milliseconds) => new(Ms(milliseconds), TimeSpan.Zero);

    private static string[] Numbered(int first, int count)
        => Enumerable.Range(first, count).Select(i => $"line {i}").ToArray();

    private IDisposable Start(string source = LogSources.Startup)
        => ScriptLogs.Stream(_lines, source, _controlPlane, _scheduler, _logger).Products(_events.OnNext).Subscribe(_results);

    private void At(double milliseconds, params string[] lines)
        => _scheduler.Schedule(Time(milliseconds), () =>
        {
            foreach (var line in lines)
                _lines.OnNext(line);
        });
}
