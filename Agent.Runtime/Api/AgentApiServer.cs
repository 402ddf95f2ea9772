using System.Net;
using Agent.Reactive.Monitoring;
using Agent.Runtime.Http;
using Agent.Runtime.Relay.Sse;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Api;

/// <summary>
/// The agent's own HTTP API (Coder's tailnet port 4) on Kestrel: <c>GET /</c> hello,
/// <c>GET /api/v0/listening-ports</c>, <c>GET /metrics</c> (Prometheus text) and <c>GET /api/v0/events</c>
/// (Server-Sent Events). It always serves on a private Unix socket (what the relay connects to) and, if asked,
/// on one loopback TCP address. No authentication: nothing here listens beyond loopback, the TCP listener answers only
/// loopback Host names (no DNS rebinding) and serves its event stream to no other web origin.
/// </summary>
public sealed class AgentApiServer : IAsyncDisposable
{
    /// <summary>What <c>GET /</c> says (as Coder's agent does).</summary>
    public const string Hello = "Hello from the agent!";

    private static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(5);

    private readonly WebApplication _app;
    private readonly IDisposable _tally;
    private readonly string? _ownDirectory;
    private readonly ILogger _logger;
    private IReadOnlyList<IPEndPoint> _tcpEndpoints = [];
    private int _state; // 0 created, 1 started, 2 stopped

    private AgentApiServer(WebApplication app, IDisposable tally, string socketPath, string? ownDirectory, ILogger logger)
    {
        _app = app;
        _tally = tally;
        UnixSocketPath = socketPath;
        _ownDirectory = ownDirectory;
        _logger = logger;
    }

    /// <summary>The Unix socket served on (the asked path, or a fallback when that could not be used).</summary>
    public string UnixSocketPath { get; }

    /// <summary>The bound loopback TCP endpoints (real ports), empty without <c>--api-address</c>; set by <see cref="StartAsync"/>.</summary>
    public IReadOnlyList<IPEndPoint> TcpEndpoints => _tcpEndpoints;

    /// <summary>Builds the server (and chooses the socket path); nothing listens until <see cref="StartAsync"/>.</summary>
    /// <exception cref="ArgumentException">An option is out of range or the TCP address is not loopback.</exception>
    /// <exception cref="IOException">Another server answers on the socket path, or no private directory could be made.</exception>
    public static AgentApiServer Create(AgentApiSources sources, AgentApiOptions options, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        options.Validate();
        if (OperatingSystem.IsWindows())
            throw new PlatformNotSupportedException("the agent API serves on a Unix socket with Unix file modes");
        var logger = loggerFactory.CreateLogger<AgentApiServer>();
        var (socketPath, ownDirectory) = ApiSocketPath.Prepare(options.UnixSocketPath, logger);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = [],
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = Environments.Production,
        });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddSingleton<IHostLifetime, PassiveHostLifetime>();
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = ShutdownTimeout);
        builder.Services.AddRequestTimeouts(timeouts => timeouts.DefaultPolicy = new RequestTimeoutPolicy
        {
            Timeout = options.RequestTimeout,
            TimeoutStatusCode = StatusCodes.Status503ServiceUnavailable,
        });
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = 1024; // GET only
            kestrel.Limits.MaxRequestHeadersTotalSize = 16 * 1024;
            kestrel.Limits.MaxRequestLineSize = 4 * 1024;
            kestrel.Limits.MaxConcurrentConnections = options.MaxConnections;
            kestrel.Limits.MaxConcurrentUpgradedConnections = options.MaxConnections;
            kestrel.Limits.RequestHeadersTimeout = options.RequestTimeout;
            kestrel.Limits.KeepAliveTimeout = options.RequestTimeout;
            kestrel.ListenUnixSocket(socketPath);
            if (options.TcpEndpoint is not null)
                kestrel.Listen(options.TcpEndpoint);
        });

        var app = builder.Build();
        var tally = new AgentEventTally();
        var subscription = sources.Events.Subscribe(tally.Observe, _ => { }, () => { });
        var scanner = new ListeningPortScanner(options.ProcRoot, sources.ProcessId);
        var ports = new ListeningPortCache(scanner.Scan, sources.Scheduler, options.ListeningPortsMaxAge);
        var stopping = app.Lifetime.ApplicationStopping;

        // The TCP listener is loopback and unauthenticated: no rebound host names, no cross-origin event streams.
        app.Use(next => new LoopbackHostFilter(next, loggerFactory.CreateLogger<LoopbackHostFilter>()).InvokeAsync);
        app.Use(next => new SameOriginFilter(next, loggerFactory.CreateLogger<SameOriginFilter>()).InvokeAsync);
        app.UseRequestTimeouts();
        RequestDelegate hello = context => ApiResponses.WriteJsonAsync(context, new ApiMessage(Hello), AgentApiJsonContext.Default.ApiMessage);
        RequestDelegate listeningPorts = context => ListeningPortsAsync(context, ports, logger);
        RequestDelegate metrics = context =>
        {
            context.Response.ContentType = PrometheusText.ContentType;
            return context.Response.WriteAsync(AgentMetrics.Format(sources.Counters.Totals(), tally.Snapshot()), context.RequestAborted);
        };
        RequestDelegate events = context => AgentEventStream.WriteAsync(context, sources.Events, options.EventQueueBytes, options.EventPingInterval, stopping);
        app.MapGet("/", hello);
        app.MapGet("/api/v0/listening-ports", listeningPorts);
        app.MapGet("/metrics", metrics);
        app.MapGet("/api/v0/events", events).DisableRequestTimeout().WithMetadata(EventStreamEndpoint.Instance);
        return new AgentApiServer(app, subscription, socketPath, ownDirectory, logger);
    }

    /// <summary>Binds the socket (mode 0600) and the TCP address, and starts serving.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
            throw new InvalidOperationException("the agent API can be started once");
        await _app.StartAsync(cancellationToken);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(UnixSocketPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var addresses = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        _tcpEndpoints = [.. addresses.Where(address => !address.StartsWith("http://unix:", StringComparison.Ordinal)).Select(ParseEndpoint)];
        _logger.ApiListening(UnixSocketPath, _tcpEndpoints);
    }

    /// <summary>Ends event streams, stops listening and waits (up to 5 s) for requests in flight.</summary>
    public async Task StopAsync()
    {
        if (Interlocked.CompareExchange(ref _state, 2, 1) != 1)
            return;
        await _app.StopAsync();
        _logger.ApiStopped();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Interlocked.Exchange(ref _state, 2);
        await _app.DisposeAsync();
        _tally.Dispose();
        TryDelete(() => File.Delete(UnixSocketPath));
        if (_ownDirectory is not null)
            TryDelete(() => Directory.Delete(_ownDirectory, recursive: true));
    }

    private static async Task ListeningPortsAsync(HttpContext context, ListeningPortCache ports, ILogger logger)
    {
        IReadOnlyList<ListeningPort> found;
        try
        {
            found = ports.Get();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            logger.PortScanFailed(e);
            await ApiResponses.WriteErrorAsync(context, StatusCodes.Status500InternalServerError, "Could not scan for listening ports.", e.Message);
            return;
        }

        await ApiResponses.WriteJsonAsync(context, new ListeningPortsResponse(found), AgentApiJsonContext.Default.ListeningPortsResponse);
    }

    private static IPEndPoint ParseEndpoint(string address)
    {
        var uri = new Uri(address);
        return new IPEndPoint(IPAddress.Parse(uri.Host.Trim('[', ']')), uri.Port);
    }

    private void TryDelete(Action delete)
    {
        try
        {
            delete();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _logger.ApiSocketNotCleanedUp(e);
        }
    }
}
