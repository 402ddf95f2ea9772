using System.ComponentModel;
using System.Diagnostics;
using System.Net;
using Agent.Reactive.Monitoring;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Api;

/// <summary>
/// The agent's own HTTP API (Coder's tailnet port 4) on Kestrel: <c>GET /</c> hello,
/// <c>GET /api/v0/listening-ports</c>, <c>GET /metrics</c> (Prometheus text) and <c>GET /api/v0/events</c>
/// (Server-Sent Events). It always serves on a private Unix socket (what the relay connects to) and, if asked,
/// on one loopback TCP address. No authentication: nothing here listens beyond loopback, the TCP listener answers only
/// loopback Host names (no DNS rebinding) and serves its event stream to no other web origin.
/// <see cref="StartAsync"/> binds and listens; Kestrel is built and started only when the first connection is pending
/// (which waits in the kernel's backlog meanwhile), so an API nobody uses costs the agent's start nothing.
/// </summary>
public sealed class AgentApiServer : IAsyncDisposable
{
    /// <summary>What <c>GET /</c> says (as Coder's agent does).</summary>
    public const string Hello = "Hello from the agent!";

    private readonly AgentApiApplication _application;
    private readonly IPEndPoint? _tcpEndpoint;
    private readonly IDisposable _tally;
    private readonly string? _ownDirectory;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private ApiListeners? _listeners;
    private Task _lazyStart = Task.CompletedTask;
    private WebApplication? _app;
    private IReadOnlyList<IPEndPoint> _tcpEndpoints = [];
    private int _state; // 0 created, 1 started, 2 stopped

    private AgentApiServer(AgentApiApplication application, IPEndPoint? tcpEndpoint, IDisposable tally, string socketPath, string? ownDirectory, ILogger logger)
    {
        _application = application;
        _tcpEndpoint = tcpEndpoint;
        _tally = tally;
        UnixSocketPath = socketPath;
        _ownDirectory = ownDirectory;
        _logger = logger;
    }

    /// <summary>The Unix socket served on (the asked path, or a fallback when that could not be used).</summary>
    public string UnixSocketPath { get; }

    /// <summary>The bound loopback TCP endpoints (real ports), empty without <c>--api-address</c>; set by <see cref="StartAsync"/>.</summary>
    public IReadOnlyList<IPEndPoint> TcpEndpoints => _tcpEndpoints;

    /// <summary>Whether Kestrel has started: false until the first connection arrives after <see cref="StartAsync"/>.</summary>
    public bool Serving => Volatile.Read(ref _app) is not null;

    /// <summary>Checks the options and chooses the socket path; nothing listens until <see cref="StartAsync"/>.</summary>
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

        // Counted from now, so /metrics tallies the events before the first request too.
        var tally = new AgentEventTally();
        var subscription = sources.Events.Subscribe(tally.Observe, _ => { }, () => { });
        var application = new AgentApiApplication(sources, options, tally, loggerFactory, logger);
        return new AgentApiServer(application, options.TcpEndpoint, subscription, socketPath, ownDirectory, logger);
    }

    /// <summary>Binds and listens on the socket (mode 0600) and the TCP address; Kestrel starts on the first connection.</summary>
    /// <exception cref="IOException">The socket or the TCP address cannot be bound (for example, it is in use).</exception>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
            throw new InvalidOperationException("the agent API can be started once");
        if (cancellationToken.IsCancellationRequested)
            return Task.FromCanceled(cancellationToken);
        try
        {
            _listeners = ApiListeners.Bind(UnixSocketPath, _tcpEndpoint);
        }
        catch (IOException e)
        {
            return Task.FromException(e);
        }

        _tcpEndpoints = _listeners.TcpEndpoints;
        _logger.ApiListening(UnixSocketPath, _tcpEndpoints);
        _lazyStart = ServeOnFirstConnectionAsync(_listeners, Stopwatch.GetTimestamp(), _stopping.Token);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Ends event streams, stops listening and waits (up to 5 s) for requests in flight; before the first connection
    /// it only stops waiting for one, and while Kestrel is starting it lets the start finish first.
    /// </summary>
    public async Task StopAsync()
    {
        if (Interlocked.CompareExchange(ref _state, 2, 1) != 1)
            return;
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _lazyStart.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (_app is not null)
            await _app.StopAsync().ConfigureAwait(false);
        _listeners?.Dispose();
        _logger.ApiStopped();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        Interlocked.Exchange(ref _state, 2);
        if (_app is not null)
            await _app.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
        _tally.Dispose();
        TryDelete(() => File.Delete(UnixSocketPath));
        if (_ownDirectory is not null)
            TryDelete(() => Directory.Delete(_ownDirectory, recursive: true));
    }

    private async Task ServeOnFirstConnectionAsync(ApiListeners listeners, long listeningSince, CancellationToken stopping)
    {
        try
        {
            await listeners.WhenAnyPendingAsync(stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            return;
        }
        catch (Win32Exception e)
        {
            FailToServe(listeners, e);
            return;
        }

        if (stopping.IsCancellationRequested)
            return;
        var starting = Stopwatch.GetTimestamp();
        WebApplication? app = null;
        try
        {
            app = _application.Build(listeners.Handles);
            await app.StartAsync(CancellationToken.None).ConfigureAwait(false);
            Volatile.Write(ref _app, app);
            _logger.ApiServing(Stopwatch.GetElapsedTime(listeningSince).TotalMilliseconds, Stopwatch.GetElapsedTime(starting).TotalMilliseconds);
        }
        catch (Exception e)
        {
            if (app is not null)
                await app.DisposeAsync().ConfigureAwait(false);
            FailToServe(listeners, e);
        }
    }

    // Closing the listeners makes clients get refused (and those waiting reset) rather than wait in a backlog nobody accepts from.
    // They are closed before the error is logged, so whoever reads the log finds them closed.
    private void FailToServe(ApiListeners listeners, Exception error)
    {
        listeners.Dispose();
        _logger.ApiNotServing(error);
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
