using System.Net;
using System.Net.Sockets;
using System.Reactive.Concurrency;
using Agent.Runtime.Net;
using Agent.Runtime.Ssh.Transport;
using Agent.Runtime.Ssh.Wire;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Sshd.Server;

/// <summary>
/// A TCP listener that tunes every accepted socket (no Nagle delay, <see cref="SocketBufferSize"/> buffers), runs
/// <see cref="SshServerTransport.AcceptAsync(Stream, EndPoint, EndPoint, SshServerOptions, ILogger, CancellationToken)"/>
/// on it and then a handler. Each connection needs a slot of the server's <see cref="SshAdmission"/>
/// (per-source and <c>MaxStartups</c> caps before authentication, a bound after it); a refused one is closed at once
/// and logged at most once per <see cref="RefusalLogInterval"/>. A failing accept backs off (<see cref="AcceptBackoff"/>).
/// One connection's failure is logged and ends only that connection.
/// </summary>
public sealed class SshListener : IAsyncDisposable
{
    /// <summary>Socket send and receive buffer size of accepted connections (one stream filling a fast link).</summary>
    public const int SocketBufferSize = 4 * 1024 * 1024;

    private readonly TcpListener _listener;
    private readonly SshServerOptions _options;
    private readonly Func<SshServerTransport, CancellationToken, Task> _handler;
    private readonly ILogger _logger;
    private readonly SshAdmission _admission;
    private readonly LogThrottle _refusals = new(RefusalLogInterval);
    private readonly AcceptBackoff _accept;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private readonly HashSet<Task> _connections = [];
    private readonly Task _acceptLoop;

    private SshListener(TcpListener listener, SshServerOptions options, Func<SshServerTransport, CancellationToken, Task> handler, ILogger logger, SshAdmission admission, IScheduler? scheduler)
    {
        _listener = listener;
        _options = options;
        _handler = handler;
        _logger = logger;
        _admission = admission;
        LocalEndPoint = (IPEndPoint)listener.LocalEndpoint;
        _accept = new AcceptBackoff(listener.AcceptSocketAsync, logger.Report(LocalEndPoint), scheduler);
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>At most one line per this interval tells of refused connections (with the count held back).</summary>
    public static TimeSpan RefusalLogInterval { get; } = TimeSpan.FromSeconds(10);

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
    /// request and owns it until it returns (the listener disposes the transport afterwards). <paramref name="admission"/>
    /// may be shared by several listeners (one server); a new one with the default limits when <c>null</c>.
    /// </summary>
    public static SshListener Start(
        IPEndPoint endPoint,
        SshServerOptions options,
        Func<SshServerTransport, CancellationToken, Task> handler,
        ILogger logger,
        SshAdmission? admission = null,
        IScheduler? scheduler = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var listener = new TcpListener(endPoint);
        if (endPoint.Address.Equals(IPAddress.IPv6Any))
            listener.Server.DualMode = true;
        listener.Start(backlog: 128);
        logger.Listening(listener.LocalEndpoint);
        return new SshListener(listener, options, handler, logger, admission ?? new SshAdmission(), scheduler);
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
        while (await _accept.AcceptAsync(_stopping.Token).ConfigureAwait(false) is { } socket)
        {
            var remote = socket.RemoteEndPoint;
            var lease = _admission.TryAdmit(remote, out var refusal);
            if (lease is null)
            {
                if (_refusals.TryEnter(out var suppressed))
                    _logger.ConnectionRefused(remote, refusal, _admission.Unauthenticated, _admission.Authenticated, suppressed);
                socket.Dispose();
                continue;
            }

            lock (_gate)
            {
                var connection = ServeAsync(socket, lease);
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

    private async Task ServeAsync(Socket socket, SshAdmissionLease lease)
    {
        await Task.Yield();
        using var scope = SshConnectionScope.Begin(_logger);
        var remote = socket.RemoteEndPoint;
        var token = _stopping.Token;
        try
        {
            socket.NoDelay = true;
            socket.SendBufferSize = SocketBufferSize;
            socket.ReceiveBufferSize = SocketBufferSize;
            var stream = new NetworkStream(socket, ownsSocket: true);
            var transport = await SshServerTransport.AcceptAsync(stream, socket.LocalEndPoint, remote, _options, _logger, token).ConfigureAwait(false);
            await using (transport.ConfigureAwait(false))
            {
                // Runs inside CompleteAuthentication, before the client hears of its success, so the slot is free
                // for the client's next connection.
                transport.OnAuthenticated(() =>
                {
                    if (lease.TryAuthenticate())
                        return;
                    _logger.AuthenticatedFull(remote, _admission.Limits.MaxAuthenticated);
                    _ = transport.DisconnectAsync(DisconnectReason.TooManyConnections, "too many connections").AsTask();
                });
                await _handler(transport, token).ConfigureAwait(false);
            }
        }
        catch (SshProtocolException e)
        {
            _logger.ListenerConnectionFailed(remote, e.Message);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            _logger.StoppedWithListener(remote);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException or SocketException)
        {
            _logger.ListenerConnectionLost(remote, e.Message);
        }
#pragma warning disable CA1031 // A handler's fault ends its one connection; the listener and other connections carry on.
        catch (Exception e)
#pragma warning restore CA1031
        {
            _logger.HandlerFailed(e, remote);
        }
        finally
        {
            lease.Dispose();
            socket.Dispose();
        }
    }
}
