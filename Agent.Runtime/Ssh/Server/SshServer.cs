using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Agent.Runtime.Ssh.Connection;
using Agent.Runtime.Ssh.Transport;
using Agent.Runtime.Ssh.Wire;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Ssh.Server;

/// <summary>
/// The agent's SSH server: TCP listeners and single connections on any stream (inetd mode, the relay). Each
/// connection runs the transport, then authentication and the connection protocol; whatever one connection does
/// wrong ends that connection only, with its reason logged.
/// </summary>
public sealed class SshServer : IAsyncDisposable
{
    /// <summary>Connections served at once; more are refused at accept.</summary>
    public const int MaxConnections = 512;

    private readonly SshServerOptions _transport;
    private readonly SshConnectionOptions _connection;
    private readonly ILogger<SshServer> _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Socket> _listeners = [];
    private readonly ConcurrentDictionary<int, Task> _running = new();
    private int _nextId;
    private long _failed;

    public SshServer(SshServerOptions transport, SshConnectionOptions connection, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _transport = transport;
        _connection = connection;
        _logger = loggerFactory.CreateLogger<SshServer>();
    }

    /// <summary>Connections that failed before or during authentication (bad protocol, refused keys, timeouts).</summary>
    public long FailedConnections => Interlocked.Read(ref _failed);

    /// <summary>Listens on <paramref name="endpoint"/> (port 0 picks one) and returns the bound address.</summary>
    public IPEndPoint Listen(IPEndPoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (endpoint.Address.Equals(IPAddress.IPv6Any))
                socket.DualMode = true;
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            socket.Bind(endpoint);
            socket.Listen(128);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        lock (_listeners)
            _listeners.Add(socket);
        var bound = (IPEndPoint)socket.LocalEndPoint!;
        _logger.LogInformation("SSH server listening on {Endpoint}", bound);
        _ = AcceptLoopAsync(socket);
        return bound;
    }

    /// <summary>Serves one connection on <paramref name="stream"/> until it ends.</summary>
    public Task ServeAsync(Stream stream, EndPoint? local, EndPoint? remote, CancellationToken cancellationToken)
        => ServeCoreAsync(
            ct => SshServerTransport.AcceptAsync(stream, local, remote, _transport, _logger, ct),
            remote,
            cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        lock (_listeners)
        {
            foreach (var listener in _listeners)
                listener.Dispose();
            _listeners.Clear();
        }

        await Task.WhenAny(Task.WhenAll(_running.Values), Task.Delay(TimeSpan.FromSeconds(5)));
        _stopping.Dispose();
    }

    private async Task AcceptLoopAsync(Socket listener)
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(_stopping.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                if (!_stopping.IsCancellationRequested)
                    _logger.LogWarning("The SSH listener stopped: {Reason}", e.Message);
                return;
            }

            if (_running.Count >= MaxConnections)
            {
                _logger.LogWarning("Refused an SSH connection from {Remote}: {Max} connections are open", client.RemoteEndPoint, MaxConnections);
                client.Dispose();
                continue;
            }

            var remote = client.RemoteEndPoint;
            _ = ServeCoreAsync(ct => SshServerTransport.AcceptAsync(client, _transport, _logger, ct), remote, _stopping.Token);
        }
    }

    private async Task ServeCoreAsync(Func<CancellationToken, Task<SshServerTransport>> accept, EndPoint? remote, CancellationToken cancellationToken)
    {
        var id = Interlocked.Increment(ref _nextId);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _running[id] = done.Task;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        try
        {
            await using var transport = await accept(stop.Token);
            _logger.LogInformation("SSH connection {Id} from {Remote} ({Client}; {Algorithms})", id, remote, transport.ClientVersion, transport.NegotiatedSummary);
            await SshConnectionHandler.RunAsync(transport, _connection, stop.Token);
            _logger.LogInformation("SSH connection {Id} from {Remote} closed", id, remote);
        }
        catch (SshProtocolException e)
        {
            Interlocked.Increment(ref _failed);
            _logger.LogWarning("SSH connection {Id} from {Remote} ended: {Reason}", id, remote, e.Message);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            _logger.LogDebug("SSH connection {Id} from {Remote} stopped with the server", id, remote);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            Interlocked.Increment(ref _failed);
            _logger.LogInformation("SSH connection {Id} from {Remote} lost: {Reason}", id, remote, e.Message);
        }
        catch (Exception e)
        {
            Interlocked.Increment(ref _failed);
            _logger.LogError(e, "SSH connection {Id} from {Remote} failed", id, remote);
        }
        finally
        {
            _running.TryRemove(id, out _);
            done.SetResult();
        }
    }
}
