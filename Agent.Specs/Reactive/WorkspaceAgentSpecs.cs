using System.Reactive.Concurrency;
using System.Reactive.Linq;
using Agent.Reactive;
using Agent.Reactive.Effects;
using Agent.Reactive.Monitoring;
using Agent.Reactive.Protocol;
using Agent.Reactive.Terminal;
using Agent.Specs.Fakes.Connection;
using Agent.Specs.Fakes.Scripts;
using Agent.Specs.Fakes.Terminal;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agent.Specs.Reactive;

/// <summary>The whole agent on a virtual clock, against a fake control plane and fake processes.</summary>
public sealed class WorkspaceAgentSpecs
{
    private readonly HistoricalScheduler _scheduler = new(new DateTimeOffset(2023, 6, 6, 0, 0, 0, TimeSpan.Zero));
    private readonly FakeControlPlane _controlPlane;
    private readonly FakeScriptLauncher _launcher;
    private readonly CountingFiles _files = new();

    public WorkspaceAgentSpecs()
    {
        _controlPlane = new FakeControlPlane(_scheduler);
        _launcher = new FakeScriptLauncher(_scheduler) { ExitAfter = TimeSpan.FromSeconds(2) }.Say(TimeSpan.FromSeconds(1), "hello");
    }

    [Fact]
    public void Start_RunsTheStartupScriptOnce_LogsThenReady()
    {
        _controlPlane.Manifest = new Manifest { StartupScript = "echo hello", Directory = "~/src" };
        using var agent = CreateAgent();

        agent.Start();
        _scheduler.AdvanceBy(TimeSpan.FromSeconds(30));

        Assert.Equal([LifecycleState.Starting, LifecycleState.Ready], _controlPlane.LifecycleAccepted.Select(r => r.State));
        Assert.Equal(["hello"], _controlPlane.Logs.SelectMany(batch => batch.Logs).Select(l => l.Output));
        var run = Assert.Single(_launcher.Runs);
        Assert.Equal("/home/coder/src", run.WorkingDirectory);
        Assert.Equal("/logs/agent-startup-script.log", run.OutputFile);
        Assert.Contains(new KeyValuePair<string, string>("CODER_AGENT_TOKEN", FakeControlPlane.SessionToken), run.Environment);
        Assert.Equal(LifecycleState.Ready, agent.Lifecycle);
    }

    [Fact]
    public void Events_LateSubscriberGetsTheSnapshot()
    {
        _controlPlane.Manifest = new Manifest { StartupScript = "echo hello" };
        using var agent = CreateAgent();
        agent.Start();
        _scheduler.AdvanceBy(TimeSpan.FromSeconds(30));

        var events = new List<AgentEvent>();
        using var subscription = agent.Events.Subscribe(events.Add);

        Assert.Equal(ConnectionState.Connected, events.OfType<ConnectionChanged>().Single().State);
        Assert.Equal([LifecycleState.Starting, LifecycleState.Ready], events.OfType<LifecycleChanged>().Select(e => e.State));
        Assert.Equal("hello", events.OfType<LogLine>().Single().Output);
    }

    [Fact]
    public void Events_StartupToShutdown_ReachTheFeedAsTheyHappenInOrder()
    {
        _controlPlane.Manifest = new Manifest { StartupScript = "echo hello", ShutdownScript = "echo hello", Directory = "~/src" };
        using var agent = CreateAgent();
        var events = new List<AgentEvent>();
        using var subscription = agent.Events.Subscribe(events.Add);

        agent.Start();
        _scheduler.AdvanceBy(TimeSpan.FromSeconds(5));
        var shutdown = agent.ShutdownAsync(CancellationToken.None);
        _scheduler.AdvanceBy(TimeSpan.FromSeconds(10));

        Assert.True(shutdown.IsCompletedSuccessfully);
        Assert.Equal(
            [
                "connection Connecting", "startup /home/coder/src", "connection Connected", "lifecycle Starting",
                "log startup hello", "lifecycle Ready", "lifecycle ShuttingDown", "log shutdown hello", "lifecycle Off",
            ],
            events.Select(Describe).OfType<string>());
    }

    [Fact]
    public void CreateTerminals_TerminalEvents_ReachTheAgentsEventsUntilItIsDisposedAlsoAfterShutdown()
    {
        using var agent = CreateAgent();
        agent.Start();
        _scheduler.AdvanceBy(TimeSpan.FromSeconds(5));
        using var terminals = agent.CreateTerminals(new FakePtyLauncher(), TerminalOptions.Default);
        var events = new List<AgentEvent>();
        using var subscription = agent.Events.Subscribe(events.Add);
        var shutdown = agent.ShutdownAsync(CancellationToken.None);
        _scheduler.AdvanceBy(TimeSpan.FromSeconds(30));
        Assert.True(shutdown.IsCompletedSuccessfully);

        using var client = terminals.Attach(new TerminalAttachRequest("abc", string.Empty, 80, 24));

        Assert.Equal("abc", Assert.Single(events.OfType<TerminalOpened>()).Id);
    }

    [Fact]
    public void Shutdown_CalledTwice_RunsTheShutdownScriptOnceAndWaitsForTheAcknowledgement()
    {
        _controlPlane.Manifest = new Manifest { ShutdownScript = "echo bye" };
        using var agent = CreateAgent();
        agent.Start();
        _scheduler.AdvanceBy(TimeSpan.FromSeconds(5));

        var first = agent.ShutdownAsync(CancellationToken.None);
        var second = agent.ShutdownAsync(CancellationToken.None);
        _scheduler.AdvanceBy(TimeSpan.FromSeconds(10));

        Assert.Same(first, second);
        Assert.True(first.IsCompletedSuccessfully);
        Assert.Single(_launcher.Runs);
        Assert.Equal(
            [LifecycleState.Starting, LifecycleState.Ready, LifecycleState.ShuttingDown, LifecycleState.Off],
            _controlPlane.LifecycleAccepted.Select(r => r.State));
        Assert.Equal("/logs/agent-shutdown-script.log", _launcher.Runs[0].OutputFile);
    }

    [Fact]
    public void Shutdown_FinalStateNeverAcknowledged_GivesUpAfterFiveSeconds()
    {
        using var agent = CreateAgent();
        agent.Start();
        _scheduler.AdvanceBy(TimeSpan.FromSeconds(5));
        _controlPlane.LifecycleFailure = new HttpRequestException("connection refused");

        var shutdown = agent.ShutdownAsync(CancellationToken.None);
        _scheduler.AdvanceBy(TimeSpan.FromSeconds(4.9));
        Assert.False(shutdown.IsCompleted);
        _scheduler.AdvanceBy(TimeSpan.FromSeconds(0.2));

        Assert.True(shutdown.IsCompletedSuccessfully);
        Assert.Equal(LifecycleState.Off, agent.Lifecycle);
    }

    [Fact]
    public void Shutdown_HardCancel_StopsTheShutdownScript()
    {
        _controlPlane.Manifest = new Manifest { ShutdownScript = "sleep 60" };
        _launcher.ExitAfter = TimeSpan.FromSeconds(60);
        using var agent = CreateAgent();
        agent.Start();
        _scheduler.AdvanceBy(TimeSpan.FromSeconds(5));
        using var hard = new CancellationTokenSource();

        var shutdown = agent.ShutdownAsync(hard.Token);
        _scheduler.AdvanceBy(TimeSpan.FromSeconds(1));
        hard.Cancel();

        Assert.True(shutdown.IsCanceled);
        Assert.Equal(1, _launcher.Kills);
    }

    [Fact]
    public void Reconnect_AfterTheControlPlaneCameBack_ReportsTheCurrentStateAgain()
    {
        _controlPlane.Manifest = new Manifest { StartupScript = "echo hello" };
        using var agent = CreateAgent();
        agent.Start();
        _scheduler.AdvanceBy(TimeSpan.FromSeconds(5));
        _controlPlane.Failure = new HttpRequestException("connection refused");
        _scheduler.AdvanceBy(TimeSpan.FromSeconds(20));
        _controlPlane.Failure = null;

        _scheduler.AdvanceBy(TimeSpan.FromSeconds(30));

        Assert.Equal([LifecycleState.Starting, LifecycleState.Ready, LifecycleState.Ready], _controlPlane.LifecycleAccepted.Select(r => r.State));
        Assert.Equal(_controlPlane.LifecycleAccepted[1].ChangedAt, _controlPlane.LifecycleAccepted[2].ChangedAt);
        Assert.Single(_launcher.Runs);
        Assert.True(_controlPlane.Startups.Count >= 2, "the new session introduced the agent again");
    }

    [Fact]
    public void GitAuthConfigs_OverridesVsCodeSettingsOnce()
    {
        _controlPlane.Manifest = new Manifest { GitAuthConfigs = 1 };
        using var agent = CreateAgent();

        agent.Start();
        _scheduler.AdvanceBy(TimeSpan.FromSeconds(30));

        Assert.Equal(1, _files.Overrides);
        Assert.Equal(LifecycleState.Ready, agent.Lifecycle);
    }

    [Fact]
    public void Start_Twice_Throws()
    {
        using var agent = CreateAgent();
        agent.Start();

        Assert.Throws<InvalidOperationException>(agent.Start);
    }

    private static string? Describe(AgentEvent agentEvent) => agentEvent switch
    {
        ConnectionChanged changed => $"connection {changed.State}",
        StartupReported startup => $"startup {startup.ExpandedDirectory}",
        LifecycleChanged changed => $"lifecycle {changed.State}",
        LogLine line => $"log {line.Source} {line.Output}",
        _ => null,
    };

    private WorkspaceAgent CreateAgent()
    {
        var environment = new AgentEnvironment(
            "/home/coder",
            name => name == "HOME" ? "/home/coder" : null,
            "v1.2.3",
            string.Empty,
            "/logs",
            "/usr/bin/agent",
            "coder");
        var ports = new AgentEffects(_controlPlane, _launcher, new UnusedProbe(), _files);
        return new WorkspaceAgent(ports, environment, AgentOptions.Default, _scheduler, NullLoggerFactory.Instance);
    }

    private sealed class CountingFiles : IWorkspaceFiles
    {
        public int Overrides { get; private set; }

        public Task OverrideVsCodeGitAuthAsync(CancellationToken cancellationToken)
        {
            Overrides++;
            return Task.CompletedTask;
        }
    }

    private sealed class UnusedProbe : IHttpProbe
    {
        public Task<int> GetStatusAsync(Uri url, TimeSpan timeout, CancellationToken cancellationToken)
            => throw new InvalidOperationException("no app has a health check in these specs");
    }
}
