using System.Collections.Immutable;
using Agent.Reactive.Monitoring;
using Agent.Reactive.Protocol;
using Agent.Runtime.Relay.Sse;

namespace Agent.Runtime.Commands.Monitor;

/// <summary>
/// What the monitor shows, folded from the event stream with <c>Scan</c>: the monitor's own stream, the
/// agent's connection, its startup report, the lifecycle history with the time spent in each state, the
/// latest value of each metadata key, the app health map, the last stats window and the last
/// <see cref="LogTailLines"/> lines of each log. Immutable: <see cref="Apply(AgentEvent)"/> and
/// <see cref="Apply(EventStreamStatus)"/> return a new state. When the stream connects (again), the
/// control plane sends a full snapshot, so everything learned from the agent is forgotten at that point
/// instead of being doubled.
/// </summary>
public sealed record DashboardState
{
    /// <summary>Log lines kept per source.</summary>
    public const int LogTailLines = 20;

    /// <summary>Recording starts and ends kept.</summary>
    public const int RecordingLines = 10;

    /// <summary>Lifecycle steps kept (the oldest go first); the forward-only order makes nine the usual most.</summary>
    public const int MaxLifecycleSteps = 32;

    /// <summary>Nothing known yet.</summary>
    public static DashboardState Empty { get; } = new();

    /// <summary>The monitor's own stream from the control plane.</summary>
    public EventStreamStatus? Stream { get; init; }

    /// <summary>The agent's connection to the control plane, as last reported.</summary>
    public ConnectionChanged? AgentConnection { get; init; }

    /// <summary>The agent's relay (how clients reach it), as the control plane sees it.</summary>
    public RelayChanged? Relay { get; init; }

    /// <summary>Version, expanded directory and subsystem the agent reported at startup.</summary>
    public StartupReported? Startup { get; init; }

    /// <summary>Lifecycle history, oldest first; the last step is the current state.</summary>
    public ImmutableList<LifecycleStep> Lifecycle { get; init; } = [];

    /// <summary>The latest result of each metadata key, by key.</summary>
    public ImmutableSortedDictionary<string, MetadataCollected> Metadata { get; init; } =
        ImmutableSortedDictionary.Create<string, MetadataCollected>(StringComparer.Ordinal);

    /// <summary>Health of each app, by app id.</summary>
    public ImmutableSortedDictionary<Guid, AppHealth> Apps { get; init; } = ImmutableSortedDictionary<Guid, AppHealth>.Empty;

    /// <summary>The last stats window.</summary>
    public StatsReported? Stats { get; init; }

    /// <summary>The watched resources' usage and state, as last reported (null when the agent watches none).</summary>
    public ResourcesChanged? Resources { get; init; }

    /// <summary>The last lines of each log, by source, oldest first.</summary>
    public ImmutableSortedDictionary<string, ImmutableList<LogLine>> Logs { get; init; } =
        ImmutableSortedDictionary.Create<string, ImmutableList<LogLine>>(StringComparer.Ordinal);

    /// <summary>The last session recordings' starts and ends, oldest first (<see cref="RecordingLines"/> at most).</summary>
    public ImmutableList<AgentEvent> Recordings { get; init; } = [];

    /// <summary>The last connection reports, oldest first (<see cref="ConnectionLines"/>).</summary>
    public ImmutableList<ConnectionReport> Connections { get; init; } = [];

    /// <summary>When the newest event was stamped by the agent side.</summary>
    public DateTimeOffset? LastEventAt { get; init; }

    /// <summary>The state the agent is in now, when known.</summary>
    public LifecycleState? CurrentLifecycle => Lifecycle.IsEmpty ? null : Lifecycle[^1].State;

    /// <summary>From entering <c>starting</c> to entering <c>ready</c>, once both happened.</summary>
    public TimeSpan? StartupDuration
    {
        get
        {
            var starting = Lifecycle.FindIndex(step => step.State == LifecycleState.Starting);
            if (starting < 0)
                return null;
            var ready = Lifecycle.FindIndex(starting, step => step.State == LifecycleState.Ready);
            return ready < 0 ? null : Lifecycle[ready].EnteredAt - Lifecycle[starting].EnteredAt;
        }
    }

    /// <summary>Folds a change of the monitor's stream; a (re)connection starts over from the coming snapshot.</summary>
    public DashboardState Apply(EventStreamStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        return status.State == EventStreamState.Connected ? Empty with { Stream = status } : this with { Stream = status };
    }

    /// <summary>Folds one event of the agent.</summary>
    public DashboardState Apply(AgentEvent agentEvent)
    {
        ArgumentNullException.ThrowIfNull(agentEvent);
        var next = agentEvent switch
        {
            ConnectionChanged connection => this with { AgentConnection = connection },
            RelayChanged relay => this with { Relay = relay },
            StartupReported startup => this with { Startup = startup },
            LifecycleChanged lifecycle => WithLifecycle(lifecycle),
            MetadataCollected metadata => this with { Metadata = Metadata.SetItem(metadata.Key, metadata) },
            AppHealthChanged apps => this with { Apps = apps.Healths.ToImmutableSortedDictionary() },
            StatsReported stats => this with { Stats = stats },
            ResourcesChanged resources => this with { Resources = resources },
            LogLine line => WithLogLine(line),
            RecordingStarted or RecordingEnded => this with { Recordings = (Recordings.Count < RecordingLines ? Recordings : Recordings.RemoveAt(0)).Add(agentEvent) },
            ConnectionReported reported => this with { Connections = ConnectionLines.Add(Connections, reported.Report) },
            _ => this,
        };
        return next with { LastEventAt = LastEventAt is { } last && last > agentEvent.At ? last : agentEvent.At };
    }

    private DashboardState WithLifecycle(LifecycleChanged change)
    {
        if (CurrentLifecycle == change.State)
            return this;
        var steps = Lifecycle;
        if (!steps.IsEmpty)
            steps = steps.SetItem(steps.Count - 1, steps[^1] with { LeftAt = change.At });
        steps = steps.Add(new LifecycleStep(change.State, change.At));
        if (steps.Count > MaxLifecycleSteps)
            steps = steps.RemoveRange(0, steps.Count - MaxLifecycleSteps);
        return this with { Lifecycle = steps };
    }

    private DashboardState WithLogLine(LogLine line)
    {
        var tail = Logs.TryGetValue(line.Source, out var lines) ? lines.Add(line) : [line];
        if (tail.Count > LogTailLines)
            tail = tail.RemoveRange(0, tail.Count - LogTailLines);
        return this with { Logs = Logs.SetItem(line.Source, tail) };
    }
}
