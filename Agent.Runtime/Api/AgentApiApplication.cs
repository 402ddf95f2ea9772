using Agent.Reactive.Monitoring;
using Agent.Runtime.Http;
using Agent.Runtime.Relay.Sse;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Api;

/// <summary>
/// The API's Kestrel application: its limits, filters and routes. Built only when the first connection is pending,
/// on listening sockets it is handed.
/// </summary>
internal sealed class AgentApiApplication
{
    private static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(5);

    private readonly AgentApiSources _sources;
    private readonly AgentApiOptions _options;
    private readonly AgentEventTally _tally;
    private readonly ListeningPortCache _ports;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;

    public AgentApiApplication(AgentApiSources sources, AgentApiOptions options, AgentEventTally tally, ILoggerFactory loggerFactory, ILogger logger)
    {
        _sources = sources;
        _options = options;
        _tally = tally;
        _loggerFactory = loggerFactory;
        _logger = logger;
        _ports = new ListeningPortCache(new ListeningPortScanner(options.ProcRoot, sources.ProcessId).Scan, sources.Scheduler, options.ListeningPortsMaxAge);
    }

    /// <summary>The application serving on <paramref name="listenHandles"/> (listening socket descriptors it does not close).</summary>
    public WebApplication Build(IReadOnlyList<ulong> listenHandles)
    {
        var options = _options;
        var builder = EmbeddedWebHost.CreateBuilder(_loggerFactory, ShutdownTimeout);
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
            foreach (var handle in listenHandles)
                kestrel.ListenHandle(handle);
        });

        var app = builder.Build();
        var sources = _sources;
        var tally = _tally;
        var ports = _ports;
        var logger = _logger;
        var stopping = app.Lifetime.ApplicationStopping;

        // The TCP listener is loopback and unauthenticated: no rebound host names, no cross-origin event streams.
        app.Use(next => new LoopbackHostFilter(next, _loggerFactory.CreateLogger<LoopbackHostFilter>()).InvokeAsync);
        app.Use(next => new SameOriginFilter(next, _loggerFactory.CreateLogger<SameOriginFilter>()).InvokeAsync);
        app.UseRequestTimeouts();
        RequestDelegate hello = context => ApiResponses.WriteJsonAsync(context, new ApiMessage(AgentApiServer.Hello), AgentApiJsonContext.Default.ApiMessage);
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
        return app;
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
}
