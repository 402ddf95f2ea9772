using System.Net;
using System.Net.Sockets;
using Agent.Runtime.Ssh.Wire;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Ssh.Transport;

/// <summary>
/// A TCP listener that runs <see cref="SshServerTransport.AcceptAsync(Socket, SshServerOptions, ILogger, CancellationToken)"/>
/// and then a handler for every connection, with a bound on concurrent connections. One connection's failure is
/// logged and ends only that connection.
/// </summary>
public sealed class SshListener : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly SshServerOptions _options;
    private readonly Func<SshServerTransport, CancellationToken, Task> _handler;
    private readonly ILogger _logger;
    private readonly int _maxConnections;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private readonly HashSet<Task> _connections = [];
    private readonly Task _acceptLoop;

    private SshListener(TcpListener listener, SshServerOptions options, Func<SshServerTransport, CancellationToken, Task> handler, ILogger logger, int maxConnections)
    {
        _listener = listener;
        _options = options;
        _handler = handler;
        _logger = logger;
        _maxConnections = maxConnections;
        LocalEndPoint = (IPEndPoint)listener.LocalEndpoint;
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>The bound address (port 0 resolved).</summary>
    public IPEndPoint LocalEndPoint { get; }

    /// <summary>Connections accepted and not yet finished.</summary>
    public int ActiveConnections
    {
        get
        {
            lock (_gate)
                return _connections.Count;
        }
    }

    /// <summary>
    /// Listens on <paramref name="endPoint"/>; <paramref name="handler"/> gets each connection after its service
    /// request and owns it until it returns (the listener disposes the transport afterwards).
    /// </summary>
    public static SshListener Start(IPEndPoint endPoint, SshServerOptions options, Func<SshServerTransport, CancellationToken, Task> handler, ILogger logger, int maxConnections = 256)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConnections, 1);
        options.Validate();
        var listener = new TcpListener(endPoint);
        if (endPoint.Address.Equals(IPAddress.IPv6Any))
            listener.Server.DualMode = true;
        listener.Start(backlog: 128);
        logger.LogInformation("SSH server listening on {EndPoint}", listener.LocalEndpoint);
        return new SshListener(listener, options, handler, logger, maxConnections);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        await _acceptLoop.ConfigureAwait(false);
        Task[] running;
        lock (_gate)
            running = [.. _connections];
        await Task.WhenAll(running).ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException && _stopping.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException e)
            {
                _logger.LogWarning("SSH accept failed: {Error}", e.Message);
                continue;
            }

            lock (_gate)
            {
                if (_connections.Count >= _maxConnections)
                {
                    _logger.LogWarning("SSH connection from {Remote} refused: {Max} connections already", socket.RemoteEndPoint, _maxConnections);
                    socket.Dispose();
                    continue;
                }

                var connection = ServeAsync(socket);
                _connections.Add(connection);
                _ = connection.ContinueWith(
                    finished =>
                    {
                        lock (_gate)
                            _connections.Remove(finished);
                    },
                    CancellationToken.None,
                    TaskContinuationOptions.ExecuteSynchronously,
                    TaskScheduler.Default);
            }
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        await Task.Yield();
        var remote = socket.RemoteEndPoint;
        var token = _stopping.Token;
        try
        {
            var transport = await SshServerTransport.AcceptAsync(socket, _options, _logger, token).ConfigureAwait(false);
            await using (transport.ConfigureAwait(false))
                await _handler(transport, token).ConfigureAwait(false);
        }
        catch (SshProtocolException e)
        {
            _logger.LogWarning("SSH connection from {Remote} ended: {Message}", remote, e.Message);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            _logger.LogDebug("SSH connection from {Remote} stopped with the listener", remote);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException or SocketException)
        {
            _logger.LogInformation("SSH connection from {Remote} lost: {Message}", remote, e.Message);
        }
#pragma warning disable CA1031 // A handler's fault ends its one connection; the listener and other connections carry on.
        catch (Exception e)
#pragma warning restore CA1031
        {
            _logger.LogError(e, "SSH connection handler for {Remote} failed", remote);
        }
        finally
        {
            socket.Dispose();
        }
    }
}
