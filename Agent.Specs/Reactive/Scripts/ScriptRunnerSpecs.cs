using System.Reactive;
using System.Reactive.Linq;
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

/// <summary>Many scripts at start and stop, their log sources and the login gate, on a virtual clock.</summary>
public sealed class ScriptRunnerSpecs : IDisposable
{
    private static readonly Guid SourceA = new("a0000000-0000-4000-8000-00000000000a");
    private static readonly Guid SourceB = new("b0000000-0000-4000-8000-00000000000b");
    private static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly TestScheduler _scheduler = new();
    private readonly ScriptTableLauncher _launcher;
    private readonly FakeControlPlane _controlPlane;
    private readonly RecordingLogger _logger = new();
    private readonly ScriptLogSender _sender;
    private readonly ScriptRunner _runner;
    private readonly LoginGate _gate = new();
    private readonly List<(TimeSpan At, LifecycleState State)> _states = [];
    private readonly List<AgentEvent> _events = [];

    public ScriptRunnerSpecs()
    {
        _scheduler.AdvanceTo(Epoch.UtcTicks);
        _launcher = new ScriptTableLauncher(_scheduler);
        _controlPlane = new FakeControlPlane(_scheduler);
        _sender = new ScriptLogSender(_controlPlane, _logger);
        _runner = new ScriptRunner(
            _launcher,
            _sender,
            (_, script, logFile) => new CommandSpec(script, null, [], logFile),
            new ScriptLogFiles("/logs", "agent-startup-script.log", "agent-shutdown-script.log"),
            TimeZoneInfo.Utc,
            _scheduler,
            _logger);
    }

    public void Dispose() => _gate.Dispose();

    [Fact]
    public void RunStart_ManyScripts_AllRunAtOnceAndReadyOnceEveryOneEnded()
    {
        _launcher.Scripts["a"] = new(Seconds(2));
        _launcher.Scripts["b"] = new(Seconds(5));
        var manifest = Manifest(Script("a", SourceA), Script("b", SourceB), Script("c", SourceB) with { RunOnStart = false, RunOnStop = true });

        using var run = Start(manifest);
        AdvanceBy(Seconds(10));

        Assert.Equal(["a", "b"], _launcher.Runs.Select(r => r.Script));
        Assert.All(_launcher.Runs, r => Assert.Equal(Epoch, r.At));
        Assert.Equal([(Seconds(5), LifecycleState.Ready)], _states);
    }

    [Fact]
    public void RunStart_OneFails_StartErrorOnlyOnceTheOthersEnded()
    {
        _launcher.Scripts["a"] = new(Seconds(1), ExitCode: 3);
        _launcher.Scripts["b"] = new(Seconds(4));

        using var run = Start(Manifest(Script("a", SourceA), Script("b", SourceB)));
        AdvanceBy(Seconds(10));

        Assert.Equal([(Seconds(4), LifecycleState.StartError)], _states);
    }

    [Fact]
    public void RunStart_OnePassesItsTimeout_StartTimeoutThenTheOutcome()
    {
        _launcher.Scripts["a"] = new(Seconds(3));
        _launcher.Scripts["b"] = new(Seconds(1));

        using var run = Start(Manifest(Script("a", SourceA) with { Timeout = Seconds(2) }, Script("b", SourceB)));
        AdvanceBy(Seconds(10));

        Assert.Equal([(Seconds(2), LifecycleState.StartTimeout), (Seconds(3), LifecycleState.Ready)], _states);
        Assert.Empty(_launcher.Kills); // a start script runs on past its timeout, as the old startup script does
    }

    [Fact]
    public void RunStart_NoScripts_ReadyAtOnceAndTheGateNeverCloses()
    {
        var gateStates = new List<LoginGateState>();
        using var watching = _gate.States.Subscribe(gateStates.Add);

        using var run = Start(Manifest());
        AdvanceBy(Seconds(1));

        Assert.Equal([(TimeSpan.Zero, LifecycleState.Ready)], _states);
        Assert.Equal([LoginGateState.Open], gateStates);
    }

    [Fact]
    public void RunStart_OldStartupScriptWithNewScripts_OldLogsToStartupLogsNewToItsSource()
    {
        var manifest = Manifest(Script("a", SourceA)) with { StartupScript = "old", StartupScriptTimeout = Seconds(30) };

        using var run = Start(manifest);
        AdvanceBy(Seconds(1));

        Assert.Equal(["old run 1"], _controlPlane.Logs.Single(request => request.LogSource == LogSources.Startup).Logs.Select(l => l.Output));
        var sent = Assert.Single(_controlPlane.SourceLogs);
        Assert.Equal(SourceA, sent.LogSourceId);
        Assert.Equal(["a run 2"], sent.Logs.Select(l => l.Output));
        Assert.Equal("/logs/agent-startup-script.log", _launcher.Runs[0].Spec.OutputFile);
        Assert.Equal($"/logs/coder-script-{SourceA:D}.log", _launcher.Runs[1].Spec.OutputFile);
        var told = _events.OfType<LogLine>().Select(line => (line.Source, line.Output, line.SourceId)).ToList();
        Assert.Contains(("startup", "old run 1", (string?)null), told);
        Assert.Contains(("Source A", "a run 2", (string?)SourceA.ToString("D")), told);
    }

    [Fact]
    public void RunStart_LogPath_RelativeToTheLogDirectoryOrAbsolute()
    {
        using var run = Start(Manifest(Script("a", SourceA) with { LogPath = "a.log" }, Script("b", SourceB) with { LogPath = "/var/tmp/b.log" }));
        AdvanceBy(Seconds(1));

        Assert.Equal(["/logs/a.log", "/var/tmp/b.log"], _launcher.Runs.Select(r => r.Spec.OutputFile));
    }

    [Fact]
    public void RunStop_EveryRunOnStopScript_OffOnceAllEnded()
    {
        _launcher.Scripts["c"] = new(Seconds(2));
        _launcher.Scripts["d"] = new(Seconds(3), ExitCode: 1);
        var manifest = Manifest(Script("a", SourceA), Script("c", SourceB) with { RunOnStart = false, RunOnStop = true }) with { ShutdownScript = "d" };

        using var run = _runner.RunStop(manifest, SetState).Products(_events.Add).Subscribe();
        AdvanceBy(Seconds(10));

        Assert.Equal(["d", "c"], _launcher.Runs.Select(r => r.Script));
        Assert.Equal([(Seconds(3), LifecycleState.ShutdownError)], _states);
        Assert.Contains(_controlPlane.Logs, request => request.LogSource == LogSources.Shutdown);
    }

    [Fact]
    public void Send_ControlPlaneWithoutLogsEndpoint_FallsBackToStartupLogsLoggedOncePerConnection()
    {
        _controlPlane.LogsEndpointMissing = true;
        _launcher.Scripts["b"] = new(Seconds(1));

        using var run = Start(Manifest(Script("a", SourceA), Script("b", SourceB) with { RunOnStart = false, RunOnStop = true }));
        AdvanceBy(Seconds(1));
        using var stop = _runner.RunStop(Manifest(Script("b", SourceB) with { RunOnStop = true, RunOnStart = false }), _ => true).Subscribe();
        AdvanceBy(Seconds(2));

        Assert.Empty(_controlPlane.SourceLogs);
        Assert.Equal(["[Source A] a run 1"], _controlPlane.Logs[0].Logs.Select(l => l.Output));
        Assert.Equal(LogSources.Startup, _controlPlane.Logs[0].LogSource);
        Assert.Equal(LogSources.Shutdown, _controlPlane.Logs[1].LogSource); // a script run only on stop
        Assert.Single(_logger.Entries, e => e.EventId.Id == 6700);

        _controlPlane.LogsEndpointMissing = false;
        _sender.NewConnection();
        using var again = Start(Manifest(Script("a", SourceA)));
        AdvanceBy(Seconds(1));

        Assert.Equal(SourceA, Assert.Single(_controlPlane.SourceLogs).LogSourceId);
    }

    [Fact]
    public void LoginGate_BlockingScriptRunning_ClosedUntilItSucceeds()
    {
        _launcher.Scripts["a"] = new(Seconds(10));
        _launcher.Scripts["b"] = new(Seconds(20));
        var gateStates = new List<(TimeSpan At, LoginGateState State)>();
        using var watching = _gate.States.Subscribe(state => gateStates.Add((Elapsed, state)));

        using var run = Start(Manifest(Script("a", SourceA) with { StartBlocksLogin = true }, Script("b", SourceB)));
        var waiting = _gate.WaitAsync(CancellationToken.None);
        AdvanceBy(Seconds(9.999));
        Assert.False(waiting.IsCompleted);
        AdvanceBy(Seconds(0.002));

        Assert.True(waiting.IsCompletedSuccessfully);
        Assert.Equal(
            [(TimeSpan.Zero, LoginGateState.Open), (TimeSpan.Zero, LoginGateState.Waiting), (Seconds(10), LoginGateState.Open)],
            gateStates);
    }

    [Fact]
    public void LoginGate_BlockingScriptFails_OpensWithANotice()
    {
        _launcher.Scripts["a"] = new(Seconds(3), ExitCode: 1);

        using var run = Start(Manifest(Script("a", SourceA) with { StartBlocksLogin = true }));
        AdvanceBy(Seconds(3.001));

        Assert.True(_gate.Current.IsOpen);
        Assert.Equal("the Source A script failed: logging in anyway (see the script logs)", _gate.Current.Notice);
    }

    [Fact]
    public void LoginGate_BlockingScriptPastItsTimeout_OpensWithANoticeWhileItRunsOn()
    {
        _launcher.Scripts["a"] = new(TimeSpan.FromHours(1));

        using var run = Start(Manifest(Script("a", SourceA) with { StartBlocksLogin = true, Timeout = Seconds(30) }));
        AdvanceBy(Seconds(29));
        Assert.False(_gate.Current.IsOpen);
        AdvanceBy(Seconds(1));

        Assert.True(_gate.Current.IsOpen);
        Assert.Equal("the Source A script did not finish within 00:00:30: logging in anyway (see the script logs)", _gate.Current.Notice);
        Assert.Empty(_launcher.Kills);
    }

    [Fact]
    public void LoginGate_BlockingScriptWithoutTimeout_OpensAfterTheDefaultWait()
    {
        _launcher.Scripts["a"] = new(TimeSpan.FromDays(1));

        using var run = Start(Manifest(Script("a", SourceA) with { StartBlocksLogin = true }));
        AdvanceBy(LoginGate.DefaultWait - Seconds(1));
        Assert.False(_gate.Current.IsOpen);
        AdvanceBy(Seconds(1));

        Assert.True(_gate.Current.IsOpen);
        Assert.NotNull(_gate.Current.Notice);
    }

    [Fact]
    public void LoginGate_WaitCancelled_GivesUp()
    {
        _launcher.Scripts["a"] = new(Seconds(10));
        using var run = Start(Manifest(Script("a", SourceA) with { StartBlocksLogin = true }));
        using var cancellation = new CancellationTokenSource();

        var waiting = _gate.WaitAsync(cancellation.Token);
        cancellation.Cancel();

        Assert.True(waiting.IsCanceled);
    }

    private static WorkspaceAgentScript Script(string text, Guid source)
        => new() { Script = text, LogSourceId = source, RunOnStart = true };

    private static Manifest Manifest(params WorkspaceAgentScript[] scripts) => new()
    {
        Scripts = scripts,
        LogSources = [new() { Id = SourceA, DisplayName = "Source A" }, new() { Id = SourceB, DisplayName = "Source B" }],
    };

    private static TimeSpan Seconds(double seconds) => TimeSpan.FromSeconds(seconds);

    // Whole milliseconds: a virtual clock delivers an answer one tick after it was given.
    private TimeSpan Elapsed => TimeSpan.FromMilliseconds(Math.Floor((_scheduler.Now - Epoch).TotalMilliseconds));

    private IDisposable Start(Manifest manifest)
        => _runner.RunStart(manifest, _gate, SetState).Products(_events.Add).Subscribe();

    private void AdvanceBy(TimeSpan time) => _scheduler.AdvanceBy(time.Ticks);

    private bool SetState(LifecycleState state)
    {
        _states.Add((Elapsed, state));
        return true;
    }
}
