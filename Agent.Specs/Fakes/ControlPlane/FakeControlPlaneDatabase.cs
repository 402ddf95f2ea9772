using Agent.Reactive.Protocol;
using Agent.Runtime.ControlPlane;
using Agent.Runtime.ControlPlane.Persistence;
using Agent.Runtime.ControlPlane.Replicas;

namespace Agent.Specs.Fakes.ControlPlane;

/// <summary>
/// An <see cref="IControlPlaneDatabase"/> in memory: keeps each agent's state as the real ones do (so a second
/// control plane on the same fake restores it), records every write in order, and fails every write while
/// <see cref="Failing"/> is set. Thread-safe; counts writes of one agent that overlap (the contract forbids them).
/// </summary>
public sealed class FakeControlPlaneDatabase : IControlPlaneDatabase
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, StoredAgentState> _agents = new(StringComparer.Ordinal);
    private readonly List<string> _writes = [];
    private readonly Dictionary<string, int> _inFlight = new(StringComparer.Ordinal);

    /// <summary>A database with its own replicas, in memory on the system clock.</summary>
    public FakeControlPlaneDatabase()
        : this(new FakeReplicaStore(TimeProvider.System))
    {
    }

    /// <summary>A database whose replicas are <paramref name="replicas"/> (several control planes in one process can share them).</summary>
    public FakeControlPlaneDatabase(IReplicaStore replicas) => Replicas = replicas;

    /// <summary>The replicas, in memory.</summary>
    public IReplicaStore Replicas { get; }

    /// <summary>The dashboard's sign-ins, in memory.</summary>
    public IBrowserSessionStore BrowserSessions { get; } = new FakeBrowserSessionStore();

    /// <summary>The connection reports, in memory.</summary>
    public IConnectionStore Connections { get; } = new FakeConnectionStore();

    /// <summary>Session recordings are specified on SQLite: this fake keeps none (every call throws).</summary>
    public IRecordingStore Recordings { get; } = new UnusedRecordingStore();

    /// <summary>None: one process, as on SQLite.</summary>
    public IReplicaChannel? Channel => null;

    /// <summary>While set, every write throws <see cref="IOException"/> and stores nothing.</summary>
    public bool Failing { get; set; }

    /// <summary>Completed after each write starts, before it stores: lets a spec hold writes in flight.</summary>
    public Func<Task>? Gate { get; set; }

    /// <summary>How many times two writes of one agent ran at once.</summary>
    public int OverlappingWrites { get; private set; }

    /// <summary>The workspace last synced.</summary>
    public WorkspaceDefinition? Workspace { get; private set; }

    /// <summary>Every write, in order, as <c>Method agent</c>.</summary>
    public IReadOnlyList<string> Writes
    {
        get
        {
            lock (_gate)
                return [.. _writes];
        }
    }

    /// <summary>What is stored about <paramref name="agent"/>.</summary>
    public StoredAgentState State(string agent)
    {
        lock (_gate)
            return _agents.GetValueOrDefault(agent, StoredAgentState.Empty);
    }

    public Task SyncWorkspaceAsync(WorkspaceDefinition workspace, CancellationToken cancellationToken)
    {
        Workspace = workspace;
        return Task.CompletedTask;
    }

    public Task<StoredAgentState> LoadAgentAsync(string agent, CancellationToken cancellationToken)
        => Task.FromResult(State(agent));

    public Task SaveStartupAsync(string agent, StartupRequest request, CancellationToken cancellationToken)
        => WriteAsync(nameof(SaveStartupAsync), agent, state => state with { Startup = request });

    public Task AppendLifecycleAsync(string agent, LifecycleReport report, CancellationToken cancellationToken)
        => WriteAsync(nameof(AppendLifecycleAsync), agent, state => state with { Lifecycle = [.. state.Lifecycle.Append(report).TakeLast(ControlPlaneAgent.MaxLifecycleReports)] });

    public Task AppendLogsAsync(string agent, string source, IReadOnlyList<StartupLog> logs, CancellationToken cancellationToken)
        => WriteAsync(nameof(AppendLogsAsync), agent, state => source switch
        {
            LogSources.Shutdown => state with { ShutdownLogs = [.. state.ShutdownLogs, .. logs] },
            LogSources.Startup => state with { StartupLogs = [.. state.StartupLogs, .. logs] },
            _ => state with { SourceLogs = new Dictionary<string, IReadOnlyList<StartupLog>>(state.SourceLogs, StringComparer.Ordinal) { [source] = [.. state.SourceLogs.GetValueOrDefault(source) ?? [], .. logs] } },
        });

    public Task MarkLogsOverflowedAsync(string agent, CancellationToken cancellationToken)
        => WriteAsync(nameof(MarkLogsOverflowedAsync), agent, state => state with { LogsOverflowed = true });

    public Task SaveMetadataAsync(string agent, IReadOnlyDictionary<string, MetadataResult> newest, CancellationToken cancellationToken)
        => WriteAsync(nameof(SaveMetadataAsync), agent, state =>
        {
            var metadata = new Dictionary<string, MetadataResult>(state.Metadata, StringComparer.Ordinal);
            foreach (var (key, result) in newest)
                metadata[key] = result;
            return state with { Metadata = metadata };
        });

    public Task SaveAppHealthAsync(string agent, IReadOnlyDictionary<Guid, AppHealth> health, CancellationToken cancellationToken)
        => WriteAsync(nameof(SaveAppHealthAsync), agent, state =>
        {
            var merged = new Dictionary<Guid, AppHealth>(state.AppHealth);
            foreach (var (app, value) in health)
                merged[app] = value;
            return state with { AppHealth = merged };
        });

    public Task SaveStatsAsync(string agent, Stats stats, CancellationToken cancellationToken)
        => WriteAsync(nameof(SaveStatsAsync), agent, state => state with { LastStats = stats });

    public Task SaveLastSeenAsync(string agent, DateTimeOffset lastSeenAt, CancellationToken cancellationToken)
        => WriteAsync(nameof(SaveLastSeenAsync), agent, state => state with { LastSeenAt = lastSeenAt });

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private async Task WriteAsync(string method, string agent, Func<StoredAgentState, StoredAgentState> change)
    {
        lock (_gate)
        {
            if (_inFlight.GetValueOrDefault(agent) > 0)
                OverlappingWrites++;
            _inFlight[agent] = _inFlight.GetValueOrDefault(agent) + 1;
        }

        try
        {
            if (Gate is { } gate)
                await gate();
            lock (_gate)
            {
                if (Failing)
                    throw new IOException($"{method} failed: the fake database is failing");
                _agents[agent] = change(_agents.GetValueOrDefault(agent, StoredAgentState.Empty));
                _writes.Add($"{method} {agent}");
            }
        }
        finally
        {
            lock (_gate)
                _inFlight[agent]--;
        }
    }
}
