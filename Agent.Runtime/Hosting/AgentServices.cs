using System.Reactive.Disposables;
using Agent.Reactive;
using Agent.Runtime.Pty;
using Agent.Runtime.Relay;
using Agent.Runtime.Terminal;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Hosting;

/// <summary>
/// Everything a running agent serves: SSH on its direct listeners, and through the relay SSH (port 1), the
/// reconnecting terminals (port 2) and forwarded workspace ports. Disposing closes the relay first, then the rest.
/// </summary>
public sealed class AgentServices : IDisposable
{
    private readonly Stack<IDisposable> _services;

    private AgentServices(Stack<IDisposable> services) => _services = services;

    /// <summary>Starts the services of <paramref name="agent"/> and its relay to <paramref name="controlPlane"/>.</summary>
    public static AgentServices Start(WorkspaceAgent agent, Uri controlPlane, string token, AgentServicesOptions options, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        var services = new Stack<IDisposable>();
        try
        {
            services.Push(options.Ssh.Start(agent, loggerFactory));
            var ssh = options.Ssh.CreateRelayServer(agent, loggerFactory);
            services.Push(Disposable.Create(() => ssh.DisposeAsync().AsTask().GetAwaiter().GetResult()));
            var terminals = agent.CreateTerminals(new PtyLauncher(loggerFactory.CreateLogger<PtyLauncher>()), options.Terminal);
            services.Push(terminals);
            var pty = new ReconnectingPtyServer(terminals, ReconnectingPtyServerOptions.Default, loggerFactory.CreateLogger<ReconnectingPtyServer>());
            var relayed = new RelayServices
            {
                Ssh = (stream, cancellationToken) => ssh.ServeAsync(stream, null, null, cancellationToken),
                ReconnectingPty = pty.ServeAsync,
            };
            var connector = new RelayConnector(controlPlane, token, relayed, agent.Counters, options.Multiplexer, loggerFactory);

            // Disposed last in, first out: the relay closes before the services its streams use.
            services.Push(agent.ConnectRelay(connector, options.Relay));
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
}
