using Microsoft.Extensions.Logging;

namespace Agent.Runtime.ControlPlane.Persistence;

/// <summary>
/// The control plane on its database: the workspace file synced into it, each agent restored from it and journalled
/// to it. Owns both; disposing stops the server, writes what its journals hold pending, then closes the database.
/// </summary>
public sealed class PersistentControlPlane : IAsyncDisposable
{
    private PersistentControlPlane(ControlPlaneServer server, IControlPlaneDatabase database)
    {
        Server = server;
        Database = database;
    }

    /// <summary>The server (not listening until its <see cref="ControlPlaneServer.StartAsync"/>).</summary>
    public ControlPlaneServer Server { get; }

    public IControlPlaneDatabase Database { get; }

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
            server = ControlPlaneServer.Create(
                workspace,
                options,
                loggerFactory,
                agent => new DatabaseJournal(database, agent.Name, options.FlushInterval, options.Scheduler, logger));
            await database.SyncWorkspaceAsync(workspace, cancellationToken);
            foreach (var agent in server.Store.Agents)
            {
                var state = await database.LoadAgentAsync(agent.Name, cancellationToken);
                agent.Restore(
                    state.Startup,
                    state.Lifecycle,
                    state.StartupLogs,
                    state.ShutdownLogs,
                    state.LogsOverflowed,
                    state.Metadata,
                    state.AppHealth,
                    state.LastStats,
                    state.LastSeenAt);
                logger.AgentRestored(agent.Name, state.Lifecycle.Count, state.StartupLogs.Count + state.ShutdownLogs.Count, state.LastSeenAt);
            }

            return new PersistentControlPlane(server, database);
        }
        catch
        {
            if (server is not null)
                await server.DisposeAsync();
            await database.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        await Database.DisposeAsync();
    }
}
