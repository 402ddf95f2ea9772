using System.Net.Sockets;
using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using Agent.Reactive;
using Agent.Runtime.Api;
using Agent.Runtime.ControlPlaneClient;
using Agent.Runtime.Discovery;
using Agent.Runtime.Os.Pty;
using Agent.Runtime.Relay.Endpoint;
using Agent.Runtime.Relay.Splice;
using Agent.Runtime.Speedtest;
using Agent.Runtime.Terminal;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Hosting;

/// <summary>
/// Everything a running agent serves: SSH on its direct listeners, the HTTP API on its Unix socket (and
/// <c>--api-address</c>), and through the relay SSH (port 1), the reconnecting terminals (port 2), the speed test
/// (port 3), the HTTP API (port 4) and forwarded workspace ports; once start-up has finished, the start-up garbage goes
/// back to the OS (<see cref="StartupMemoryTrim"/>). Disposing closes the relay first, then the rest.
/// </summary>
public sealed class AgentServices : IDisposable
{
    private readonly Stack<IDisposable> _services;

    private AgentServices(Stack<IDisposable> services) => _services = services;

    /// <summary>
    /// Starts the services of <paramref name="agent"/> and its relay to the control plane of <paramref name="controlPlanes"/>
    /// that its session is with.
    /// </summary>
    /// <exception cref="IOException">The HTTP API cannot listen (its socket or address is taken).</exception>
    public static async Task<AgentServices> StartAsync(
        WorkspaceAgent agent, ControlPlaneEndpoints controlPlanes, string token, AgentServicesOptions options, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        var services = new Stack<IDisposable>();
        try
        {
            services.Push(options.Ssh.Start(agent, loggerFactory));
            if (options.Discovery is { } discovery)
                services.Push(DiscoveryService.Start(discovery, options.Ssh.Bound, options.Ssh.PublicKeys, AgentHost.Version, loggerFactory));
            var ssh = options.Ssh.CreateRelayServer(agent, loggerFactory);
            services.Push(Disposable.Create(() => ssh.DisposeAsync().AsTask().GetAwaiter().GetResult()));
            var terminals = agent.CreateTerminals(agent.RecordSessions(new PtyLauncher(loggerFactory.CreateLogger<PtyLauncher>())), options.Terminal);
            services.Push(terminals);
            var terminalServer = new TerminalServer(terminals, TerminalServerOptions.Default, loggerFactory.CreateLogger<TerminalServer>(), agent.Audit, agent.LoginGate);
            var api = AgentApiServer.Create(
                AgentApiSources.From(agent, Scheduler.Default),
                new AgentApiOptions { UnixSocketPath = Path.Join(options.DataDirectory, "api", "api.sock"), TcpEndpoint = options.ApiAddress },
                loggerFactory);
            services.Push(Disposable.Create(() => api.DisposeAsync().AsTask().GetAwaiter().GetResult()));
            await api.StartAsync(CancellationToken.None).ConfigureAwait(false);
            var logger = loggerFactory.CreateLogger<AgentServices>();
            foreach (var endpoint in api.TcpEndpoints)
                logger.HttpApiListening(endpoint);
            var speedtest = new SpeedtestServer(loggerFactory.CreateLogger<SpeedtestServer>(), Scheduler.Default);
            var relayed = new RelayServices
            {
                Ssh = (stream, cancellationToken) => ssh.ServeAsync(stream, null, null, cancellationToken),
                ReconnectingPty = terminalServer.ServeAsync,
                Speedtest = RelayAudit.Reported(speedtest.ServeAsync, agent.Audit, RelayAudit.Speedtest),
                HttpApi = (stream, cancellationToken) => ServeApiAsync(api.UnixSocketPath, stream, cancellationToken),
            };
            var connector = new RelayConnector(controlPlanes, token, relayed, agent.Counters, options.Multiplexer, loggerFactory);

            // Disposed last in, first out: the relay closes before the services its streams use.
            services.Push(agent.ConnectRelay(connector, options.Relay));
            var trimLogger = loggerFactory.CreateLogger(typeof(StartupMemoryTrim).FullName!);
            services.Push(StartupMemoryTrim.Schedule(agent.Events, StartupMemoryTrim.Settle, Scheduler.Default, () => StartupMemoryTrim.Collect(trimLogger)));
            return new AgentServices(services);
        }
        catch
        {
            new AgentServices(services).Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        while (_services.TryPop(out var service))
            service.Dispose();
    }

    // One relayed HTTP connection: spliced to the API's Unix socket, so the relay gets exactly what local clients get.
    private static async Task ServeApiAsync(string socketPath, Stream stream, CancellationToken cancellationToken)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken).ConfigureAwait(false);
        await using var api = new NetworkStream(socket, ownsSocket: false);
        await StreamSplice.RunAsync(stream, api, cancellationToken).ConfigureAwait(false);
    }
}
