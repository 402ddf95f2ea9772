using System.Net;
using Agent.Runtime.Ssh.Connection;
using Agent.Runtime.Ssh.Transport;
using Agent.Runtime.Ssh.Wire;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Sshd.Server;

/// <summary>
/// The agent's SSH server: TCP listeners (<see cref="SshListener"/>) and single connections on any stream (inetd
/// mode, the relay). Each connection runs the transport, then authentication and the connection protocol; whatever
/// one connection does wrong ends that connection only, with its reason logged. The listeners share one
/// <see cref="SshAdmission"/> (per-source and <c>MaxStartups</c> caps before authentication, a bound after);
/// connections served by <see cref="ServeAsync"/> (inetd, the relay's port 1, authenticated by the control plane)
/// are bounded by whoever hands them over.
/// </summary>
public sealed class SshServer : IAsyncDisposable
{
    private readonly SshServerOptions _transport;
    private readonly SshConnectionOptions _connection;
    private readonly ILogger<SshServer> _logger;
    private readonly List<SshListener> _listeners = [];

    public SshServer(SshServerOptions transport, SshConnectionOptions connection, ILoggerFactory loggerFactory, SshAdmission? admission = null)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _transport = transport;
        _connection = connection;
        _logger = loggerFactory.CreateLogger<SshServer>();
        Admission = admission ?? new SshAdmission();
    }

    /// <summary>The connection slots of the listeners.</summary>
    public SshAdmission Admission { get; }

    /// <summary>Listens on <paramref name="endpoint"/> (port 0 picks one) and returns the bound address.</summary>
    public IPEndPoint Listen(IPEndPoint endpoint)
    {
        var listener = SshListener.Start(endpoint, _transport, RunConnectionAsync, _logger, Admission);
        lock (_listeners)
            _listeners.Add(listener);
        return listener.LocalEndPoint;
    }

    /// <summary>
    /// Serves one connection on <paramref name="stream"/> until it ends: <c>true</c> when it ran its course, <c>false</c>
    /// when a protocol failure or a lost stream ended it (a refused identification line, a failed key exchange...),
    /// which inetd mode reports as sshd does, with exit status 255.
    /// </summary>
    public async Task<bool> ServeAsync(Stream stream, EndPoint? local, EndPoint? remote, CancellationToken cancellationToken)
    {
        using var scope = SshConnectionScope.Begin(_logger);
        try
        {
            await using var transport = await SshServerTransport.AcceptAsync(stream, local, remote, _transport, _logger, cancellationToken);
            await RunConnectionAsync(transport, cancellationToken);
            return true;
        }
        catch (SshProtocolException e)
        {
            _logger.StreamConnectionFailed(e.Message);
            return false;
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            _logger.StreamConnectionLost(e.Message);
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        SshListener[] listeners;
        lock (_listeners)
        {
            listeners = [.. _listeners];
            _listeners.Clear();
        }

        foreach (var listener in listeners)
            await listener.DisposeAsync();
    }

    private async Task RunConnectionAsync(SshServerTransport transport, CancellationToken cancellationToken)
    {
        _logger.ConnectionStarted(transport.RemoteEndPoint, transport.ClientVersion, transport.NegotiatedSummary);
        await SshConnectionHandler.RunAsync(transport, _connection, cancellationToken);
        _logger.ConnectionEnded(transport.RemoteEndPoint);
    }
}
