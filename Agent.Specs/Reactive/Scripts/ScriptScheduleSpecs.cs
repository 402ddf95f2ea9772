using System.Reactive.Subjects;
using Agent.Reactive.Effects;
using Agent.Reactive.Monitoring;
using Agent.Reactive.Protocol;
using Agent.Reactive.Scripts;
using Agent.Specs.Fakes.Connection;
using Agent.Specs.Fakes.Scripts;
using Agent.Specs.Utilities;
using Microsoft.Extensions.Logging;
using Microsoft.Reactive.Testing;

namespace Agent.Specs.Reactive.Scripts;

/// <summary>Scripts on cron schedules, on a virtual clock: never overlapping, stopping at shutdown, a bad schedule alone.</summary>
public sealed class ScriptScheduleSpecs : IDisposable
{
    private static readonly Guid SourceA = new("a0000000-0000-4000-8000-00000000000a");
    private static readonly Guid SourceB = new("b0000000-0000-4000-8000-00000000000b");
    private static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly TestScheduler _scheduler = new();
    private readonly ScriptTableLauncher _launcher;
    private readonly FakeControlPlane _controlPlane;
    private readonly RecordingLogger _logger = new();
    private readonly AsyncSubject<bool> _stop = new();
    private readonly List<AgentEvent> _events = [];
    private bool _completed;

    public ScriptScheduleSpecs()
    {
        _scheduler.AdvanceTo(Epoch.UtcTicks);
        _launcher = new ScriptTableLauncher(_scheduler);
        _controlPlane = new FakeControlPlane(_scheduler);
    }

    public void Dispose() => _stop.Dispose();

    [Fact]
    public void Schedule_RunStillRunningAtTheNextTick_TickSkippedNeverOverlapped()
    {
        _launcher.Scripts["a"] = new(Seconds(25));

        using var run = Start(Script("a", SourceA, "*/10 * * * * *"));
        AdvanceTo(Seconds(75));

        Assert.Equal([Seconds(10), Seconds(40), Seconds(70)], _launcher.Runs.Select(r => r.At - Epoch));
        Assert.Equal(4, _logger.Entries.Count(e => e.EventId.Id == 6702)); // 20 and 30, 50 and 60
        Assert.Contains("still running at its scheduled time", _logger.Warnings[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Schedule_RunsEndBeforeTheNextTick_EveryTickRuns()
    {
        _launcher.Scripts["a"] = new(Seconds(1));

        using var run = Start(Script("a", SourceA, "*/10 * * * * *"));
        AdvanceTo(Seconds(60));

        Assert.Equal(6, _launcher.RunsOf("a"));
        Assert.DoesNotContain(_logger.Entries, e => e.EventId.Id == 6702);
    }

    [Fact]
    public void Schedule_Shutdown_NoRunStartsAfterAndTheRunningOneEndsOnItsOwn()
    {
        _launcher.Scripts["a"] = new(Seconds(15));

        using var run = Start(Script("a", SourceA, "*/10 * * * * *"));
        AdvanceTo(Seconds(12));
        _stop.OnNext(true);
        _stop.OnCompleted();
        AdvanceTo(Seconds(24));
        Assert.False(_completed);
        AdvanceTo(Seconds(26));

        Assert.True(_completed);
        AdvanceTo(Seconds(100));
        Assert.Equal([Seconds(10)], _launcher.Runs.Select(r => r.At - Epoch));
        Assert.Empty(_launcher.Kills);
    }

    [Fact]
    public void Schedule_StoppedBeforeItStarted_NeverRuns()
    {
        _stop.OnNext(true);
        _stop.OnCompleted();

        using var run = Start(Script("a", SourceA, "* * * * * *"));
        AdvanceTo(Seconds(10));

        Assert.Empty(_launcher.Runs);
        Assert.True(_completed);
    }

    [Fact]
    public void Schedule_UnsubscribedDuringARun_KillsIt()
    {
        _launcher.Scripts["a"] = new(Seconds(30));

        var run = Start(Script("a", SourceA, "*/10 * * * * *"));
        AdvanceTo(Seconds(15));
        run.Dispose();
        AdvanceTo(Seconds(60));

        Assert.Equal([("a", Epoch + Seconds(15))], _launcher.Kills);
        Assert.Single(_launcher.Runs);
    }

    [Fact]
    public void Schedule_RunPastItsTimeout_StoppedWithALine()
    {
        _launcher.Scripts["a"] = new(Seconds(30));

        using var run = Start(Script("a", SourceA, "0 * * * * *") with { Timeout = Seconds(5) });
        AdvanceTo(Seconds(66));

        Assert.Equal([("a", Epoch + Seconds(65))], _launcher.Kills);
        Assert.Contains(_events.OfType<LogLine>(), line => line.Output.Contains("did not finish within 00:00:05 and was stopped", StringComparison.Ordinal));
        Assert.Equal(1, _launcher.RunsOf("a")); // the start itself is not "after" it: the first run is at 00:01:00
    }

    [Fact]
    public void Schedule_InvalidCron_ErrorOnThatScriptOnlyTheOthersRun()
    {
        using var run = Start(Script("a", SourceA, "every five minutes"), Script("b", SourceB, "*/5 * * * * *"));
        AdvanceTo(Seconds(20));

        Assert.Equal(4, _launcher.RunsOf("b"));
        Assert.Equal(0, _launcher.RunsOf("a"));
        var error = Assert.Single(_logger.At(LogLevel.Error));
        Assert.Contains("\"every five minutes\" is invalid", error, StringComparison.Ordinal);
        var line = _controlPlane.SourceLogs.First(request => request.LogSourceId == SourceA).Logs.Single().Output;
        Assert.StartsWith("[agent] the schedule \"every five minutes\" is invalid", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Schedule_InLocalTime_SpringForwardGapSkipped()
    {
        var berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        _scheduler.AdvanceTo(new DateTimeOffset(2026, 3, 28, 12, 0, 0, TimeSpan.Zero).UtcTicks);

        using var run = Start(berlin, Script("a", SourceA, "0 30 2 * * *"));
        _scheduler.AdvanceTo(new DateTimeOffset(2026, 3, 31, 0, 0, 0, TimeSpan.Zero).UtcTicks);

        // 02:30 on 29 March does not exist in Berlin: runs on the 30th only.
        Assert.Equal([new DateTimeOffset(2026, 3, 30, 2, 30, 0, TimeSpan.FromHours(2))], _launcher.Runs.Select(r => r.At));
    }

    [Fact]
    public void Schedule_InLocalTime_FallBackHourRunsOnce()
    {
        var newYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
        _scheduler.AdvanceTo(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.FromHours(-4)).UtcTicks);

        using var run = Start(newYork, Script("a", SourceA, "0 30 1 * * *"));
        _scheduler.AdvanceTo(new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.FromHours(-5)).UtcTicks);

        Assert.Equal([new DateTimeOffset(2026, 11, 1, 1, 30, 0, TimeSpan.FromHours(-4))], _launcher.Runs.Select(r => r.At));
    }

    private static WorkspaceAgentScript Script(string text, Guid source, string cron)
        => new() { Script = text, LogSourceId = source, Cron = cron };

    private static TimeSpan Seconds(double seconds) => TimeSpan.FromSeconds(seconds);

    private IDisposable Start(params WorkspaceAgentScript[] scripts) => Start(TimeZoneInfo.Utc, scripts);

    private IDisposable Start(TimeZoneInfo zone, params WorkspaceAgentScript[] scripts)
    {
        var runner = new ScriptRunner(
            _launcher,
            new ScriptLogSender(_controlPlane, _logger),
            (_, script, logFile) => new CommandSpec(script, null, [], logFile),
            new ScriptLogFiles("/logs", "agent-startup-script.log", "agent-shutdown-script.log"),
            zone,
            _scheduler,
            _logger);
        var manifest = new Manifest
        {
            Scripts = scripts,
            LogSources = [new() { Id = SourceA, DisplayName = "Source A" }, new() { Id = SourceB, DisplayName = "Source B" }],
        };
        return runner.RunSchedules(manifest, _stop).Subscribe(_events.Add, () => _completed = true);
    }

    private void AdvanceTo(TimeSpan elapsed) => _scheduler.AdvanceTo((Epoch + elapsed).UtcTicks);
}
