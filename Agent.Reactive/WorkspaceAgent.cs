using System.Reactive;
using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using System.Reactive.Threading.Tasks;
using Agent.Reactive.Apps;
using Agent.Reactive.Audit;
using Agent.Reactive.Connection;
using Agent.Reactive.Effects;
using Agent.Reactive.Lifecycle;
using Agent.Reactive.Linq;
using Agent.Reactive.Metadata;
using Agent.Reactive.Monitoring;
using Agent.Reactive.Protocol;
using Agent.Reactive.Recording;
using Agent.Reactive.Relay;
using Agent.Reactive.Resources;
using Agent.Reactive.Scripts;
using Agent.Reactive.Shell;
using Agent.Reactive.Statistics;
using Agent.Reactive.Terminal;
using Microsoft.Extensions.Logging;

namespace Agent.Reactive;

/// <summary>
/// The workspace agent: composes the connection loop, lifecycle reporting, the startup and shutdown
/// scripts, metadata, app health and stats into one object with a start and a graceful stop.
/// </summary>
/// <remarks>
/// Routines that stop when a graceful shutdown begins: metadata, app health, stats. Routines that remain
/// until the final state is acknowledged: the connection loop, lifecycle reporting, script log streaming
/// (and the startup script itself, which a graceful shutdown does not kill until the very end).
/// </remarks>
public sealed class WorkspaceAgent : IDisposable
{
    private readonly AgentEffects _effects;
    private readonly AgentEnvironment _environment;
    private readonly AgentOptions _options;
    private readonly IScheduler _scheduler;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly AgentEventFeed _feed = new();
    private readonly LifecycleMachine _lifecycle;
    private readonly BehaviorSubject<ControlPlaneConnection?> _connection = new(null);
    private readonly CompositeDisposable _stopOnGraceful = [];
    private readonly CompositeDisposable _remainUntilEnd = [];
    private readonly CompositeDisposable _terminalEvents = [];
    private readonly IDisposable _auditEvents;
    private readonly Lock _gate = new();
    private readonly ScriptLogSender _logSender;
    private readonly ScriptRunner _scripts;
    private readonly AsyncSubject<Unit> _stopSchedules = new();
    private IObservable<LifecycleReport> _acknowledged = Observable.Never<LifecycleReport>();
    private Task? _shutdown;
    private bool _started;
    private SessionRecorder? _recorder;

    public WorkspaceAgent(AgentEffects effects, AgentEnvironment environment, AgentOptions options, IScheduler scheduler, ILoggerFactory loggerFactory)
    {
        _effects = effects;
        _environment = environment;
        _options = options;
        _scheduler = scheduler;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<WorkspaceAgent>();
        _lifecycle = new LifecycleMachine(scheduler, loggerFactory.CreateLogger<LifecycleMachine>());
        var scriptLogger = Logger("Agent.Scripts");
        _logSender = new ScriptLogSender(effects.ControlPlane, scriptLogger);
        _scripts = new ScriptRunner(
            effects.Launcher,
            _logSender,
            Command,
            new ScriptLogFiles(environment.LogDirectory, options.StartupLogFile, options.ShutdownLogFile),
            options.ScriptTimeZone,
            scheduler,
            scriptLogger);
        Audit = new ConnectionAudit(scheduler);
        _auditEvents = Audit.Reports.Subscribe(report => _feed.Publish(new ConnectionReported(report.Timestamp, report)));
    }

    /// <summary>Open unless <c>start_blocks_login</c> scripts run: SSH and terminal sessions wait for it.</summary>
    public LoginGate LoginGate { get; } = new();

    /// <summary>Where the agent's servers report their connections: to <see cref="Events"/> and, once connected, to the control plane.</summary>
    public ConnectionAudit Audit { get; }

    /// <summary>Everything the agent does, snapshot first for a late subscriber.</summary>
    public IObservable<AgentEvent> Events => _feed;

    /// <summary>The live connection and session counters that the services feed.</summary>
    public AgentCounters Counters { get; } = new();

    /// <summary>Facts about this machine the agent was started with.</summary>
    public AgentEnvironment Environment => _environment;

    /// <summary>The current connection to the control plane (token and manifest), or <c>null</c> before the first one.</summary>
    public ControlPlaneConnection? CurrentConnection => _connection.Value;

    /// <summary>The current lifecycle state.</summary>
    public LifecycleState Lifecycle => _lifecycle.Current;

    /// <summary>The manifest of the current connection, once there is one (replayed to new subscribers).</summary>
    public IObservable<Manifest> Manifests => _connection.Where(s => s is not null).Select(s => s!.Manifest);

    /// <summary>
    /// The reconnecting terminals of this agent: processes get the shell environment of the current manifest
    /// and token, attached clients count in <see cref="Counters"/>, terminal events are merged into
    /// <see cref="Events"/> until the agent is disposed. The caller owns (disposes) the result.
    /// </summary>
    public TerminalSessions CreateTerminals(IPtyLauncher launcher, TerminalOptions options)
    {
        var terminals = new TerminalSessions(
            launcher,
            TerminalSpecs.FromManifest(() => (_connection.Value?.Manifest, _connection.Value?.SessionToken ?? string.Empty), _environment),
            Counters,
            options,
            _scheduler,
            Logger("Agent.Terminal"));
        _terminalEvents.Add(terminals.Events.Subscribe(_feed.Publish));
        return terminals;
    }

    /// <summary>
    /// <paramref name="launcher"/> with session recording (the manifest's <c>session_recording</c>): recordings go to the
    /// control plane, their start and end to <see cref="Events"/>. One recorder serves every launcher of this agent.
    /// </summary>
    public IPtyLauncher RecordSessions(IPtyLauncher launcher)
    {
        lock (_gate)
        {
            _recorder ??= new SessionRecorder(
                _effects.ControlPlane,
                () => (RecordingModes.Parse(_connection.Value?.Manifest.SessionRecording), _connection.Value?.ConnectedAt),
                RecordingLimits.Default,
                _scheduler,
                Logger("Agent.Recording"),
                _feed.Publish);
            return new RecordingPtyLauncher(launcher, _recorder, _scheduler);
        }
    }

    /// <summary>
    /// Keeps the relay through <paramref name="connector"/> connected (reconnecting with the backoff) until the
    /// result is disposed; its state goes to <see cref="Events"/>, its round trips to <see cref="Counters"/>.
    /// </summary>
    public IDisposable ConnectRelay(IRelayConnector connector, RelayOptions options)
        => RelayLoop.Run(connector, options, Counters, _scheduler, Logger("Agent.Relay")).Subscribe(_feed.Publish, e => Failed("relay", e));

    /// <summary>Connects and starts every routine. Call once.</summary>
    public void Start()
    {
        lock (_gate)
        {
            if (_started)
                throw new InvalidOperationException("the agent was already started");
            _started = true;
        }

        _remainUntilEnd.Add(_lifecycle.Changes.Subscribe(r => _feed.Publish(new LifecycleChanged(r.ChangedAt, r.State))));

        var connections = ConnectionLoop
            .Connections(_effects.ControlPlane, _environment, _options.Connection, _scheduler, Logger("Agent.Connection"), _effects.Endpoints)
            .Products(_feed.Publish)
            .Publish();
        var manifests = connections.Select(s => s.Manifest);

        // A new connection may be a control plane that lost its memory: tell it the current state again.
        var reports = _lifecycle.Changes.Merge(connections.Skip(1).SelectMany(_ => _lifecycle.Changes.Take(1)));
        var acknowledged = LifecycleReporting
            .Acknowledged(reports, _effects.ControlPlane, _scheduler, Logger("Agent.Lifecycle"))
            .Replay(1);
        _acknowledged = acknowledged;
        _remainUntilEnd.Add(acknowledged.Connect());

        _remainUntilEnd.Add(connections.Subscribe(_connection.OnNext, e => Failed("connection loop", e)));
        _remainUntilEnd.Add(connections.Subscribe(_ => _logSender.NewConnection()));

        // The schedules start once the start scripts ended (as Coder's StartCron) and stop starting runs at shutdown.
        var startup = connections.Take(1)
            .SelectMany(first => RunStartup(first.Manifest).Select(state => (first.Manifest, State: state)))
            .Publish();
        _remainUntilEnd.Add(startup.Subscribe(started => _logger.StartupFinished(started.State), e => Failed("startup script", e)));
        _remainUntilEnd.Add(startup
            .SelectMany(started => _scripts.RunSchedules(started.Manifest, _stopSchedules))
            .Subscribe(_feed.Publish, e => Failed("scheduled scripts", e)));
        _remainUntilEnd.Add(startup.Connect());

        _stopOnGraceful.Add(manifests
            .Select(m => AppHealthReporting.Run(m.Apps, _effects.Probe, _effects.ControlPlane, _scheduler, Logger("Agent.Apps")))
            .Switch()
            .Subscribe(_feed.Publish, e => Failed("app health", e)));
        _stopOnGraceful.Add(MetadataReporting
            .Run(manifests, (m, script) => Command(m, script, null), _effects.Launcher, _effects.ControlPlane, _scheduler, Logger("Agent.Metadata"), _options.MetadataBaseInterval)
            .Subscribe(_feed.Publish, e => Failed("metadata", e)));
        _stopOnGraceful.Add(manifests.Subscribe(m => _feed.RetainMetadata(m.Metadata.Select(item => item.Key).ToHashSet(StringComparer.Ordinal))));
        if (_effects.Resources is { } sampler)
        {
            _stopOnGraceful.Add(ResourcesReporting.Run(manifests, sampler, _effects.ControlPlane, _scheduler, Logger("Agent.Resources"))
                .Subscribe(_feed.Publish, e => Failed("resources", e)));
        }

        _stopOnGraceful.Add(connections.Take(1)
            .SelectMany(_ => StatsReporting.Run(Counters, _effects.ControlPlane, _scheduler, Logger("Agent.Stats")))
            .Subscribe(_feed.Publish, e => Failed("stats", e)));

        _remainUntilEnd.Add(connections.Take(1)
            .SelectMany(_ => ConnectionReporting.Run(Audit.Reports, connections.Skip(1).Select(_ => Unit.Default), _effects.ControlPlane, ConnectionReportingLimits.Default, _scheduler, Logger("Agent.Audit")))
            .Subscribe(_ => { }, e => Failed("connection reports", e)));

        _remainUntilEnd.Add(connections.Connect());
    }

    /// <summary>
    /// Graceful shutdown, once however often it is called: <c>shutting_down</c>, stop the periodic routines, run
    /// the shutdown script, report the final state and wait (at most <see cref="AgentOptions.FinalReportWait"/>)
    /// for the control plane to acknowledge it. Cancelling <paramref name="hard"/> stops at once.
    /// </summary>
    public Task ShutdownAsync(CancellationToken hard)
    {
        lock (_gate)
            return _shutdown ??= Shutdown().ToTask(hard);
    }

    public void Dispose()
    {
        _stopOnGraceful.Dispose();
        _remainUntilEnd.Dispose();
        _terminalEvents.Dispose();
        _auditEvents.Dispose();
        Audit.Dispose();
        _lifecycle.Dispose();
        LoginGate.Dispose();
        _stopSchedules.Dispose();
        _connection.Dispose();
        _feed.Dispose();
    }

    // One observable from shutting_down to the acknowledged final state, so that a hard stop (disposing it)
    // ends whatever step is running, the shutdown script included.
    private IObservable<Unit> Shutdown() => Observable.Defer(() =>
    {
        _lifecycle.TrySet(LifecycleState.ShuttingDown);
        _stopOnGraceful.Dispose();
        _stopSchedules.OnNext(Unit.Default);
        _stopSchedules.OnCompleted();

        // RunStop sets the final state itself (also without scripts); without a manifest there is none to run.
        var manifest = _connection.Value?.Manifest;
        var script = manifest is null
            ? Observable.Return(_lifecycle.TrySet(LifecycleState.Off)).Select(_ => Unit.Default)
            : _scripts.RunStop(manifest, _lifecycle.TrySet)
                .Products(_feed.Publish)
                .LastOrDefaultAsync()
                .Select(_ => Unit.Default);
        return script.SelectMany(_ => FinalAcknowledgement());
    })
    .Finally(_remainUntilEnd.Dispose);

    private IObservable<Unit> FinalAcknowledgement() => Observable.Defer(() =>
    {
        var final = _lifecycle.Current;
        return _acknowledged
            .FirstAsync(report => report.State == final)
            .Select(_ => Unit.Default)
            .Timeout(_options.FinalReportWait, _scheduler)
            .Catch<Unit, TimeoutException>(_ =>
            {
                _logger.FinalStateUnacknowledged(final, _options.FinalReportWait);
                return Observable.Return(Unit.Default);
            });
    });

    private IObservable<LifecycleState> RunStartup(Manifest manifest) => Observable.Defer(() =>
    {
        _lifecycle.TrySet(LifecycleState.Starting);
        var gitAuth = manifest.GitAuthConfigs > 0
            ? AgentObservable.FromTask(_effects.Files.OverrideVsCodeGitAuthAsync, _scheduler)
                .Catch<Unit, Exception>(e =>
                {
                    _logger.GitAuthOverrideFailed(e);
                    return Observable.Return(Unit.Default);
                })
            : Observable.Return(Unit.Default);
        return gitAuth.SelectMany(_ => _scripts.RunStart(manifest, LoginGate, _lifecycle.TrySet).Products(_feed.Publish));
    });

    private CommandSpec Command(Manifest manifest, string script, string? outputFile) => new(
        script,
        string.IsNullOrEmpty(manifest.Directory) ? null : manifest.Directory,
        ShellEnvironment.Build(manifest, _environment, _connection.Value?.SessionToken ?? string.Empty),
        outputFile);

    private void Failed(string routine, Exception error)
        => _logger.RoutineStopped(error, routine);

    private ILogger Logger(string category) => _loggerFactory.CreateLogger(category);
}
