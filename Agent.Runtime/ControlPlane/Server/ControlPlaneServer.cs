using System.Text;
using Agent.Reactive.Monitoring;
using Agent.Reactive.Protocol;
using Agent.Runtime.ControlPlane;
using Agent.Runtime.ControlPlane.Dashboard;
using Agent.Runtime.ControlPlane.PortProxy;
using Agent.Runtime.Http;
using Agent.Runtime.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.ControlPlane.Server;

/// <summary>
/// The embedded control plane on Kestrel: serves the manifests of a workspace file to agents, keeps what they
/// report in memory (<see cref="Store"/>) and in each agent's journal (the database), and shows it to users,
/// including a live event stream per agent.
/// It does not react to process signals; its owner starts and stops it.
/// </summary>
public sealed class ControlPlaneServer : IAsyncDisposable
{
    private static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(5);

    private readonly WebApplication _app;
    private readonly ILogger _logger;
    private Uri? _address;
    private int _state; // 0 created, 1 started, 2 stopped

    private ControlPlaneServer(WebApplication app, ControlPlaneStore store, RelayHub relays, ILogger logger)
    {
        _app = app;
        Store = store;
        Relays = relays;
        _logger = logger;
    }

    /// <summary>What the agents reported, readable in-process (for <c>agent dev</c>).</summary>
    public ControlPlaneStore Store { get; }

    /// <summary>The agents' relays: how clients reach agents.</summary>
    public RelayHub Relays { get; }

    /// <summary>The bound address (with the real port when the options asked for port 0); set by <see cref="StartAsync"/>.</summary>
    public Uri Address => _address ?? throw new InvalidOperationException("the control plane is not started");

    /// <summary>Builds the server; nothing listens until <see cref="StartAsync"/>.</summary>
    /// <param name="workspace">The agents and tokens.</param>
    /// <param name="options">The settings.</param>
    /// <param name="loggerFactory">Where everything logs.</param>
    /// <param name="journals">Each agent's journal; the server closes them when it stops.</param>
    /// <exception cref="ArgumentException">An option is out of range or the address is not <c>host:port</c>.</exception>
    /// <param name="directory">Where the relays of this control plane's replicas are (default: this process only).</param>
    /// <param name="sessions">Where the dashboard's sign-ins are kept beyond this process (default: nowhere).</param>
    public static ControlPlaneServer Create(
        WorkspaceDefinition workspace,
        ControlPlaneOptions options,
        ILoggerFactory loggerFactory,
        Func<WorkspaceAgentDefinition, IAgentJournal> journals,
        IRelayDirectory? directory = null,
        IBrowserSessionStore? sessions = null)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        ArgumentNullException.ThrowIfNull(journals);
        options.Validate();
        var listen = ListenAddress.Parse(options.Address);

        var builder = EmbeddedWebHost.CreateBuilder(loggerFactory, ShutdownTimeout);
        builder.Services.AddSingleton<IMemoryPoolFactory<byte>, RelayMemoryPoolFactory>();
        builder.Services.Configure<JsonOptions>(json =>
        {
            json.SerializerOptions.TypeInfoResolverChain.Insert(0, ControlPlaneJsonContext.Default);
            json.SerializerOptions.TypeInfoResolverChain.Insert(1, AgentJsonContext.Default);
            json.SerializerOptions.TypeInfoResolverChain.Insert(2, MonitoringJsonContext.Default);
        });
        var unauthenticated = new ConnectionBudget(options.MaxUnauthenticatedConnectionsPerSource, options.MaxUnauthenticatedConnections);
        var admission = new ConnectionAdmission.Shared(
            new TokenConnections(options.MaxAgentConnections, options.MaxConnectionsPerAgent, options.MaxUserConnections, options.MaxReplicaConnections),
            loggerFactory.CreateLogger<ConnectionAdmission>(),
            new LogThrottle(UnauthenticatedConnections.WarningEvery, TimeProvider.System),
            new LogThrottle(UnauthenticatedConnections.WarningEvery, TimeProvider.System),
            new LogThrottle(UnauthenticatedConnections.WarningEvery, TimeProvider.System));
        var connectionLogger = loggerFactory.CreateLogger(typeof(UnauthenticatedConnections));
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;

            // Our own headers are ASCII; the port proxy passes a workspace's header bytes through as Latin-1 characters.
            kestrel.ResponseHeaderEncodingSelector = static _ => Encoding.Latin1;
            kestrel.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes;
            kestrel.Limits.MaxConcurrentConnections = options.MaxConnections;
            kestrel.Limits.MaxConcurrentUpgradedConnections = options.MaxConnections;
            kestrel.Limits.RequestHeadersTimeout = options.RequestHeadersTimeout;
            kestrel.Limits.KeepAliveTimeout = options.KeepAliveTimeout;
            listen.Apply(kestrel, endpoint => UnauthenticatedConnections.Apply(endpoint, unauthenticated, admission, connectionLogger, TimeProvider.System));
        });

        var app = builder.Build();
        var store = new ControlPlaneStore(workspace, options.Scheduler, options.AgentTimeout, journals, options.Clock, sessions);
        var logger = loggerFactory.CreateLogger<ControlPlaneServer>();
        var stopping = app.Lifetime.ApplicationStopping;
        directory ??= LocalRelayDirectory.Instance;
        var relays = new RelayHub(directory, options.Scheduler, loggerFactory.CreateLogger<RelayHub>());
        var relay = new RelayEndpoint(relays, options.Relay, options.Scheduler, loggerFactory.CreateLogger<RelayEndpoint>(), stopping);

        // What a web page may reach: no rebound host names on loopback, no cross-origin sockets or streams, JSON bodies only.
        if (listen.IsLoopback)
            app.Use(next => new LoopbackHostFilter(next, loggerFactory.CreateLogger<LoopbackHostFilter>()).InvokeAsync);

        // A workspace port's own origin ({port}--{agent}.localhost) is the proxy's alone: nothing below sees it.
        ControlPlaneServer? server = null;
        var proxy = new PortProxyService(store, relays, () => server!.Address, TimeProvider.System, loggerFactory.CreateLogger<PortProxyService>(), stopping);
        app.Lifetime.ApplicationStopped.Register(proxy.Dispose);
        proxy.Use(app);
        app.Use(next => new SameOriginFilter(next, loggerFactory.CreateLogger<SameOriginFilter>()).InvokeAsync);
        app.Use(next => new JsonBodyFilter(next, loggerFactory.CreateLogger<JsonBodyFilter>()).InvokeAsync);

        // A client that vanished without closing (a dropped network) is noticed within a minute and its stream freed.
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(15), KeepAliveTimeout = TimeSpan.FromSeconds(45) });
        new AgentApiEndpoints(store, options, logger, relay).Map(app);
        new UserApiEndpoints(store, options, stopping).Map(app);
        new SignInEndpoints(store, loggerFactory.CreateLogger<SignInEndpoints>()).Map(app);
        new TerminalEndpoint(store, relays, logger, stopping).Map(app);
        new ConnectEndpoint(store, relays, logger, stopping).Map(app);
        new ListeningPortsEndpoint(store, relays).Map(app);
        new ReplicaStreamEndpoint(store, relays, directory, loggerFactory.CreateLogger<ReplicaStreamEndpoint>(), stopping).Map(app);
        TerminalPage.Map(app);
        new DashboardPages(store, loggerFactory.CreateLogger<DashboardPages>()).Map(app);
        proxy.Map(app);
        server = new ControlPlaneServer(app, store, relays, logger);
        return server;
    }

    /// <summary>Binds the address and starts serving.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
            throw new InvalidOperationException("the control plane can be started once");
        await _app.StartAsync(cancellationToken);
        var addresses = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
        var first = addresses?.FirstOrDefault() ?? throw new InvalidOperationException("Kestrel reported no bound address");
        _address = new Uri(first.Replace("://[::]", "://[::1]", StringComparison.Ordinal).Replace("://0.0.0.0", "://127.0.0.1", StringComparison.Ordinal));
        _logger.ControlPlaneListening(_address, Store.Agents);
    }

    /// <summary>Ends event streams, stops listening, waits (up to 5 s) for requests in flight, then writes what the journals hold pending.</summary>
    public async Task StopAsync()
    {
        if (Interlocked.CompareExchange(ref _state, 2, 1) != 1)
            return;
        await _app.StopAsync();
        await Store.CloseJournalsAsync();
        _logger.ControlPlaneStopped();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Interlocked.Exchange(ref _state, 2);
        await _app.DisposeAsync();
        await Store.CloseJournalsAsync();
        Store.Dispose();
    }
}
