using System.Reactive;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using Agent.Reactive.Effects;
using Agent.Reactive.Monitoring;
using Agent.Reactive.Protocol;
using Agent.Reactive.Scripts;
using Agent.Specs.Fakes.Scripts;
using Agent.Specs.Utilities;
using Microsoft.Extensions.Logging;
using Microsoft.Reactive.Testing;

namespace Agent.Specs.Reactive.Scripts;

public sealed class LifecycleScriptSpecs : ReactiveTest
{
    private static readonly CommandSpec Command = new("echo something", "/home/coder", [], "/tmp/coder-startup-script.log");

    private readonly TestScheduler _scheduler = new();
    private readonly FakeScriptLauncher _launcher;
    private readonly FakeLogControlPlane _controlPlane;
    private readonly RecordingLogger _logger = new();
    private readonly ReplaySubject<AgentEvent> _events = new();
    private readonly List<(DateTimeOffset At, LifecycleState State)> _states = [];
    private readonly ITestableObserver<LifecycleState> _results;

    public LifecycleScriptSpecs()
    {
        _launcher = new FakeScriptLauncher(_scheduler);
        _controlPlane = new FakeLogControlPlane(_scheduler);
        _results = _scheduler.CreateObserver<LifecycleState>();
    }

    private IEnumerable<LifecycleState> States => _states.Select(entry => entry.State);

    [Fact]
    public void Run_NullArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>(() => Run(ScriptKind.Startup, null!, TimeSpan.Zero));
        Assert.Throws<ArgumentNullException>(() => LifecycleScript.Run(
            ScriptKind.Startup, "x", TimeSpan.Zero, Command, null!, _controlPlane, _ => true, _scheduler, _logger));
        Assert.Throws<ArgumentNullException>(() => LifecycleScript.Run(
            ScriptKind.Startup, "x", TimeSpan.Zero, Command, _launcher, _controlPlane, null!, _scheduler, _logger));
        Assert.Throws<ArgumentNullException>(() => LifecycleScript.Run(
            ScriptKind.Startup, "x", TimeSpan.Zero, Command, _launcher, _controlPlane, _ => true, null!, _logger));
    }

    [Theory]
    [InlineData(ScriptKind.Startup, "", LifecycleState.Ready)]
    [InlineData(ScriptKind.Startup, "  \n\t", LifecycleState.Ready)]
    [InlineData(ScriptKind.Shutdown, "", LifecycleState.Off)]
    public void Run_EmptyScript_RunsNothingAndSucceedsAtOnce(ScriptKind kind, string script, LifecycleState expected)
    {
        using var subscription = Run(kind, script, TimeSpan.FromSeconds(1)).Subscribe(_results);

        Assert.Equal([expected], States);
        Assert.Equal([OnNext(0, expected), OnCompleted<LifecycleState>(0)], _results.Messages);
        Assert.Empty(_launcher.Runs);
        Assert.Empty(_controlPlane.Attempts);
    }

    [Fact]
    public void StartupScript_Success_SendsTheOneLineAndEndsReady()
    {
        _launcher.Say(Ms(10), "something").ExitAfter = Ms(20);
        using var subscription = Run(ScriptKind.Startup, "echo something", TimeSpan.Zero).Subscribe(_results);

        AdvanceTo(Seconds(10));

        Assert.Same(Command, Assert.Single(_launcher.Runs));
        Assert.Equal(["something"], _controlPlane.StoredOutput);
        Assert.Equal(LogSources.Startup, _controlPlane.Stored.Single().LogSource);
        Assert.Equal([LifecycleState.Ready], States);
        Assert.Equal(
            [NotificationKind.OnNext, NotificationKind.OnCompleted], _results.Messages.Select(message => message.Value.Kind));
        Assert.Equal(LifecycleState.Ready, _results.Messages[0].Value.Value);
        Assert.Contains(new LogLine(Time(Ms(10)), "startup", "something"), _events.ToEnumerable().Take(1));
    }

    [Fact]
    public void StartupScript_OverflowsAndSkips_LogsRefusedStillReady()
    {
        _controlPlane.Answer = (_, _) => FakeLogControlPlane.LogLimit();
        _launcher.Say(Ms(10), Enumerable.Range(0, 250).Select(i => $"line {i}").ToArray()).ExitAfter = Ms(20);
        using var subscription = Run(ScriptKind.Startup, "yes | head -250", TimeSpan.Zero).Subscribe(_results);

        AdvanceTo(Seconds(10));

        Assert.Empty(_controlPlane.Stored);
        Assert.NotEmpty(_controlPlane.Attempts);
        Assert.Equal([LifecycleState.Ready], States);
        Assert.Equal(NotificationKind.OnCompleted, _results.Messages.Last().Value.Kind);
    }

    [Fact]
    public void StartupScript_SlowerThanTimeout_StartTimeoutThenReadyWithoutKilling()
    {
        _launcher.Say(Ms(10), "working").ExitAfter = Seconds(3);
        using var subscription = Run(ScriptKind.Startup, "sleep 3", TimeSpan.FromSeconds(1)).Subscribe(_results);

        AdvanceTo(Seconds(2));
        Assert.Equal([(Time(Seconds(1)), LifecycleState.StartTimeout)], _states);

        AdvanceTo(Seconds(10));
        Assert.Equal([LifecycleState.StartTimeout, LifecycleState.Ready], States);
        Assert.Equal(0, _launcher.Kills);
        Assert.Equal(LifecycleState.Ready, _results.Messages[0].Value.Value);
    }

    [Fact]
    public void StartupScript_SlowerThanTimeoutThenFails_StartTimeoutThenStartError()
    {
        _launcher.ExitAfter = Seconds(3);
        _launcher.ExitCode = 2;
        using var subscription = Run(ScriptKind.Startup, "sleep 3; exit 2", TimeSpan.FromSeconds(1)).Subscribe(_results);

        AdvanceTo(Seconds(10));

        Assert.Equal([LifecycleState.StartTimeout, LifecycleState.StartError], States);
    }

    [Fact]
    public void StartupScript_FinishesBeforeTimeout_NoTimeoutState()
    {
        _launcher.ExitAfter = Seconds(1);
        using var subscription = Run(ScriptKind.Startup, "true", TimeSpan.FromSeconds(2)).Subscribe(_results);

        AdvanceTo(Seconds(30));

        Assert.Equal([LifecycleState.Ready], States);
    }

    [Fact]
    public void StartupScript_ZeroTimeout_NeverTimesOut()
    {
        _launcher.ExitAfter = TimeSpan.FromHours(2);
        using var subscription = Run(ScriptKind.Startup, "sleep 7200", TimeSpan.Zero).Subscribe(_results);

        AdvanceTo(TimeSpan.FromHours(3));

        Assert.Equal([LifecycleState.Ready], States);
    }

    [Fact]
    public void StartupScript_NonZeroExit_StartError()
    {
        _launcher.Say(Ms(10), "oops").ExitAfter = Ms(20);
        _launcher.ExitCode = 1;
        using var subscription = Run(ScriptKind.Startup, "false", TimeSpan.Zero).Subscribe(_results);

        AdvanceTo(Seconds(10));

        Assert.Equal([LifecycleState.StartError], States);
        Assert.Equal(["oops"], _controlPlane.StoredOutput);
        Assert.Contains(_logger.Warnings, message => message.Contains("exited with code 1", StringComparison.Ordinal));
        Assert.Equal(LifecycleState.StartError, _results.Messages[0].Value.Value);
    }

    [Fact]
    public void StartupScript_EveryStep_LogsWithAnEventIdOfTheScriptsRange()
    {
        _launcher.Say(Ms(10), "oops").ExitAfter = Ms(20);
        _launcher.ExitCode = 1;
        _controlPlane.Answer = (_, attempt) => attempt == 0 ? FakeLogControlPlane.LogLimit() : null;
        using var subscription = Run(ScriptKind.Startup, "false", TimeSpan.FromMilliseconds(15)).Subscribe(_results);

        AdvanceTo(Seconds(10));

        Assert.Equal(
            [5730, 5734, 5732, 5737],
            _logger.Entries.Select(entry => entry.EventId.Id));
    }

    [Fact]
    public void StartupScript_StartFailure_StartErrorLoggedAndSentAsLogLine()
    {
        _launcher.StartFailure = new InvalidOperationException("no login shell");
        using var subscription = Run(ScriptKind.Startup, "echo hi", TimeSpan.FromSeconds(5)).Subscribe(_results);

        AdvanceTo(Seconds(10));

        Assert.Equal([LifecycleState.StartError], States);
        Assert.Equal(["[agent] the startup script could not run: no login shell"], _controlPlane.StoredOutput);
        Assert.Contains(_logger.Entries, entry => entry.Level == LogLevel.Error && entry.Error == _launcher.StartFailure);
    }

    [Fact]
    public void StartupScript_ControlPlaneSlowToTakeLogs_ReadyOnlyAfterTheLogsWereAccepted()
    {
        _controlPlane.Latency = TimeSpan.FromSeconds(5);
        _launcher.Say(Ms(10), "something").ExitAfter = Ms(20);
        using var subscription = Run(ScriptKind.Startup, "echo something", TimeSpan.Zero).Subscribe(_results);

        AdvanceTo(Seconds(5));
        Assert.Empty(_states);

        AdvanceTo(Seconds(6));
        var ready = Assert.Single(_states);
        Assert.Equal(LifecycleState.Ready, ready.State);
        Assert.True(ready.At > _controlPlane.Attempts.Single().At + TimeSpan.FromSeconds(5) - TimeSpan.FromTicks(1));
    }

    [Fact]
    public void StartupScript_LogPatchFailsAtFirst_ReadyAfterTheRetrySucceeded()
    {
        _controlPlane.Answer = (_, attempt) => attempt < 2 ? FakeLogControlPlane.Unavailable() : null;
        _launcher.Say(Ms(10), "something").ExitAfter = Ms(20);
        using var subscription = Run(ScriptKind.Startup, "echo something", TimeSpan.Zero).Subscribe(_results);

        AdvanceTo(Seconds(2));
        Assert.Empty(_states);

        AdvanceTo(Seconds(10));
        Assert.Equal([LifecycleState.Ready], States);
        Assert.Equal(3, _controlPlane.Attempts.Count);
    }

    [Fact]
    public void ShutdownScript_SlowerThanTimeout_ShutdownTimeoutThenOffAndLogsStreamed()
    {
        _launcher.Say(Ms(10), "stopping").ExitAfter = Seconds(2);
        using var subscription = Run(ScriptKind.Shutdown, "sleep 2", TimeSpan.FromSeconds(1)).Subscribe(_results);

        AdvanceTo(Seconds(10));

        Assert.Equal([LifecycleState.ShutdownTimeout, LifecycleState.Off], States);
        Assert.Equal(LogSources.Shutdown, _controlPlane.Stored.Single().LogSource);
        Assert.Equal(["stopping"], _controlPlane.StoredOutput);
        Assert.Equal(LifecycleState.Off, _results.Messages[0].Value.Value);
    }

    [Fact]
    public void ShutdownScript_NonZeroExit_ShutdownError()
    {
        _launcher.ExitAfter = Ms(50);
        _launcher.ExitCode = 3;
        using var subscription = Run(ScriptKind.Shutdown, "exit 3", TimeSpan.FromSeconds(1)).Subscribe(_results);

        AdvanceTo(Seconds(10));

        Assert.Equal([LifecycleState.ShutdownError], States);
    }

    [Fact]
    public void ShutdownScript_Success_Off()
    {
        _launcher.ExitAfter = Ms(50);
        using var subscription = Run(ScriptKind.Shutdown, "true", TimeSpan.Zero).Subscribe(_results);

        AdvanceTo(Seconds(10));

        Assert.Equal([LifecycleState.Off], States);
    }

    [Fact]
    public void Run_Unsubscribed_KillsTheScriptAndSetsNothingMore()
    {
        _launcher.Say(Ms(10), "a").Say(Seconds(5), "b").ExitAfter = Seconds(10);
        var subscription = Run(ScriptKind.Startup, "long", TimeSpan.FromSeconds(2)).Subscribe(_results);

        AdvanceTo(Ms(500));
        subscription.Dispose();
        AdvanceTo(Seconds(30));

        Assert.Equal(1, _launcher.Kills);
        Assert.Empty(_states);
        Assert.Empty(_results.Messages);
        Assert.DoesNotContain(_controlPlane.StoredOutput, line => line == "b");
    }

    private static TimeSpan Ms(double milliseconds) => TimeSpan.FromMilliseconds(milliseconds);

    private static TimeSpan Seconds(double seconds) => TimeSpan.FromSeconds(seconds);

    private static DateTimeOffset Time(TimeSpan at) => new(at.Ticks, TimeSpan.Zero);


    private void AdvanceTo(TimeSpan at) => _scheduler.AdvanceTo(at.Ticks);

    private IObservable<LifecycleState> Run(ScriptKind kind, string script, TimeSpan timeout)
        => LifecycleScript.Run(kind, script, timeout, Command, _launcher, _controlPlane, SetState, _scheduler, _logger).Products(_events.OnNext);

    private bool SetState(LifecycleState state)
    {
        _states.Add((_scheduler.Now, state));
        return true;
    }
}
