using Agent.Runtime.ControlPlane.Replicas;
using Agent.Runtime.ControlPlane.Server;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.ControlPlane.Persistence;

/// <summary>
/// The control plane on its database: the workspace file synced into it, each agent restored from it and journalled
/// to it. Owns both; disposing stops the server, writes what its journals hold pending, then closes the database.
/// </summary>
public sealed class PersistentControlPlane : IAsyncDisposable
{
    private readonly ControlPlaneOptions _options;
    private readonly ILogger _logger;
    private readonly DatabaseRelayDirectory? _relays;
    private IDisposable? _heartbeat;
    private ReplicaFanOut? _fanOut;

    private PersistentControlPlane(ControlPlaneServer server, IControlPlaneDatabase database, ControlPlaneOptions options, DatabaseRelayDirectory? relays, ILogger logger)
    {
        Server = server;
        Database = database;
        _options = options;
        _relays = relays;
        _logger = logger;
    }

    /// <summary>The server (not listening until its <see cref="ControlPlaneServer.StartAsync"/>).</summary>
    public ControlPlaneServer Server { get; }

    public IControlPlaneDatabase Database { get; }

    /// <summary>This control plane as a replica of its database; set by <see cref="StartAsync"/>.</summary>
    public ReplicaIdentity Replica { get; private set; } = null!;

    /// <summary>
    /// Builds the server (nothing listens yet), syncs the workspace file into <paramref name="database"/> and restores
    /// every agent from it. Takes <paramref name="database"/> over: it is closed on failure too.
    /// </summary>
    /// <exception cref="ArgumentException">An option is out of range or the address is not <c>host:port</c>.</exception>
    public static async Task<PersistentControlPlane> CreateAsync(
        WorkspaceDefinition workspace,
        ControlPlaneOptions options,
        IControlPlaneDatabase database,
        ILoggerFactory loggerFactory,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);
        ControlPlaneServer? server = null;
        try
        {
            ArgumentNullException.ThrowIfNull(workspace);
            ArgumentNullException.ThrowIfNull(options);
            ArgumentNullException.ThrowIfNull(loggerFactory);
            var logger = loggerFactory.CreateLogger<DatabaseJournal>();
            var relays = database.Replicas.IsShared ? new DatabaseRelayDirectory(database.Replicas, options.ReplicaTimeout, TimeProvider.System) : null;
            server = ControlPlaneServer.Create(
                workspace,
                options,
                loggerFactory,
                agent => new DatabaseJournal(database, agent.Name, options.FlushInterval, options.Scheduler, logger),
                relays,
                database.BrowserSessions);
            await database.SyncWorkspaceAsync(workspace, cancellationToken);
            foreach (var agent in server.Store.Agents)
            {
                var state = await database.LoadAgentAsync(agent.Name, cancellationToken);
                TakeStored(agent, state, running: false);
                logger.AgentRestored(agent.Name, state.Lifecycle.Count, state.StartupLogs.Count + state.ShutdownLogs.Count, state.LastSeenAt);
            }

            return new PersistentControlPlane(server, database, options, relays, logger);
        }
        catch
        {
            if (server is not null)
                await server.DisposeAsync();
            await database.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Starts the server, then registers it as a replica at <paramref name="replicaAddress"/> (default: the bound
    /// address) and keeps its heartbeat until disposed. On a shared database (PostgreSQL) it then claims the relays
    /// attached here, reaches the agents whose relay another replica holds through it, and shows every agent live
    /// whichever replica it calls (<see cref="ReplicaFanOut"/>); on SQLite there is one process and nothing more runs.
    /// </summary>
    /// <exception cref="IOException">The address cannot be bound.</exception>
    /// <exception cref="ControlPlaneDatabaseException">The replica cannot be registered.</exception>
    public async Task StartAsync(Uri? replicaAddress, CancellationToken cancellationToken)
    {
        await Server.StartAsync(cancellationToken);
        Replica = ReplicaIdentity.Create(replicaAddress ?? Server.Address);
        await Database.Replicas.RegisterAsync(Replica, cancellationToken);
        _logger.ReplicaRegistered(Replica.Id, Replica.Address);
        _relays?.Start(Replica);
        _heartbeat = ReplicaHeartbeat.Beats(Database.Replicas, Replica, _options.ReplicaHeartbeatInterval, _options.Scheduler, _logger).Subscribe();
        if (Database.Channel is { } channel)
            _fanOut = ReplicaFanOut.Start(Server.Store, _options, Replica.Id, channel, ReloadAsync, RelayOwnersAsync, _logger);
    }

    /// <summary>
    /// Stops the server (its relays' closing still goes out to the peer replicas; their claims are left to the
    /// unregistering), stops the fan-out, unregisters the replica with its relays (its peers count it gone), then closes
    /// the database.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        _relays?.Stop();
        await Server.StopAsync();
        if (Interlocked.Exchange(ref _fanOut, null) is { } fanOut)
            await fanOut.DisposeAsync();
        if (Interlocked.Exchange(ref _heartbeat, null) is { } heartbeat)
        {
            heartbeat.Dispose();
            try
            {
                await Database.Replicas.UnregisterAsync(Replica.Id, CancellationToken.None);
                _logger.ReplicaUnregistered(Replica.Id);
            }
            catch (ControlPlaneDatabaseException ex)
            {
                _logger.ReplicaUnregisterFailed(Replica.Id, ex.Message);
            }
        }

        await Server.DisposeAsync();
        await Database.DisposeAsync();
    }

    private static bool TakeStored(ControlPlaneAgent agent, StoredAgentState state, bool running)
        => agent.TakeStored(
            running,
            state.Startup,
            state.Lifecycle,
            state.StartupLogs,
            state.ShutdownLogs,
            state.LogsOverflowed,
            state.Metadata,
            state.AppHealth,
            state.LastStats,
            state.LastSeenAt,
            state.SourceLogs);

    // A peer's changes may have been missed: the agent as the database has it, and which peer holds its relay.
    private async Task<bool> ReloadAsync(ControlPlaneAgent agent, CancellationToken cancellationToken)
    {
        var state = await Database.LoadAgentAsync(agent.Name, cancellationToken);
        var reloaded = TakeStored(agent, state, running: true);
        if (await Database.Replicas.RelayOwnerAsync(agent.Name, _options.ReplicaTimeout, cancellationToken) is { } owner && owner.Id != Replica.Id)
            agent.RemoteRelayHeld(owner.Id);
        return reloaded;
    }

    // The relays live peers hold (this replica's own are its hub's).
    private async Task<IReadOnlyDictionary<string, Guid>> RelayOwnersAsync(CancellationToken cancellationToken)
        => (await Database.Replicas.RelayOwnersAsync(_options.ReplicaTimeout, cancellationToken))
            .Where(pair => pair.Value != Replica.Id)
            .ToDictionary(StringComparer.Ordinal);
}
