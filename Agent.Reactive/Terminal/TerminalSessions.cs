using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using Agent.Reactive.Effects;
using Agent.Reactive.Monitoring;
using Agent.Reactive.Statistics;
using Microsoft.Extensions.Logging;

namespace Agent.Reactive.Terminal;

/// <summary>
/// The reconnecting terminals of an agent, by reconnect ID: a new ID starts a process on a pseudo-terminal, a
/// known ID attaches to it (replay of the last output, then live output). A terminal ends when its process exits,
/// or <see cref="TerminalOptions.InactivityTimeout"/> after its last client left; then its ID is forgotten.
/// What happens to them is the stream <see cref="Events"/>. Thread-safe.
/// </summary>
public sealed class TerminalSessions : IDisposable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, TerminalSession> _sessions = new(StringComparer.Ordinal);
    private readonly IPtyLauncher _launcher;
    private readonly Func<TerminalAttachRequest, PtySpec> _specs;

    // Serialized: terminals publish from request, timer and process-exit threads.
    private readonly ISubject<AgentEvent> _events = Subject.Synchronize(new Subject<AgentEvent>());
    private bool _disposed;

    /// <param name="launcher">Starts the processes.</param>
    /// <param name="specs">What a new terminal runs (command, directory, environment, size); see <see cref="TerminalSpecs"/>.</param>
    /// <param name="counters">Each attached client counts as a reconnecting-PTY session while it is attached.</param>
    /// <param name="options">Timeout and bounds.</param>
    /// <param name="scheduler">Clock of the inactivity timer.</param>
    /// <param name="logger">Where attach, detach, disconnections and ends are logged.</param>
    public TerminalSessions(
        IPtyLauncher launcher,
        Func<TerminalAttachRequest, PtySpec> specs,
        AgentCounters counters,
        TerminalOptions options,
        IScheduler scheduler,
        ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(launcher);
        ArgumentNullException.ThrowIfNull(specs);
        ArgumentNullException.ThrowIfNull(counters);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(scheduler);
        ArgumentNullException.ThrowIfNull(logger);
        options.Validate();
        _launcher = launcher;
        _specs = specs;
        Counters = counters;
        Options = options;
        Scheduler = scheduler;
        Logger = logger;
    }

    /// <summary>
    /// Hot: every terminal opened, attached, detached and closed from the moment of subscription, in order; it never
    /// completes (a terminal ending after <see cref="Dispose"/> still tells its close).
    /// </summary>
    public IObservable<AgentEvent> Events => _events.AsObservable();

    /// <summary>The reconnect IDs of the live terminals.</summary>
    public IReadOnlyList<string> Ids
    {
        get
        {
            lock (_gate)
                return [.. _sessions.Keys];
        }
    }

    internal AgentCounters Counters { get; }

    internal TerminalOptions Options { get; }

    internal IScheduler Scheduler { get; }

    internal ILogger Logger { get; }

    /// <summary>
    /// Attaches a client to terminal <see cref="TerminalAttachRequest.Id"/>, starting it first when the ID is new
    /// (or its terminal is ending). The client's size is applied to the terminal.
    /// </summary>
    /// <exception cref="TerminalCapacityException">Too many terminals, or too many clients on this one.</exception>
    /// <exception cref="ObjectDisposedException">The agent is shutting down.</exception>
    public TerminalConnection Attach(TerminalAttachRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrEmpty(request.Id);
        TerminalSession session;
        TerminalConnection? connection;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_sessions.TryGetValue(request.Id, out var existing))
            {
                connection = existing.TryAttach(request);
                if (connection is not null)
                    return connection;
                _sessions.Remove(request.Id);
            }

            if (_sessions.Count >= Options.MaxSessions)
                throw new TerminalCapacityException($"{_sessions.Count} terminals are open already");
            var process = _launcher.Start(_specs(request));
            session = new TerminalSession(request.Id, process, this);
            _sessions[request.Id] = session;
            Logger.Started(request.Id, process.ProcessId, request.Command.Length == 0 ? "login shell" : request.Command);
            Publish(new TerminalOpened(Scheduler.Now, request.Id, request.Command, process.ProcessId));
            connection = session.TryAttach(request)!;
        }

        session.Start();
        return connection;
    }

    /// <summary>Ends every terminal's process (their clients are closed after the final output).</summary>
    public void Dispose()
    {
        List<TerminalSession> sessions;
        lock (_gate)
        {
            _disposed = true;
            sessions = [.. _sessions.Values];
            _sessions.Clear();
        }

        foreach (var session in sessions)
            session.End();
    }

    internal void Forget(TerminalSession session)
    {
        lock (_gate)
        {
            if (_sessions.TryGetValue(session.Id, out var current) && ReferenceEquals(current, session))
                _sessions.Remove(session.Id);
        }
    }

    internal void Publish(AgentEvent agentEvent) => _events.OnNext(agentEvent);
}
