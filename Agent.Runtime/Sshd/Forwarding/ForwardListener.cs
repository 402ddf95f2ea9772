using System.Net;
using System.Net.Sockets;
using Agent.Runtime.Net;
using Agent.Runtime.Ssh.Channels;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Sshd.Forwarding;

/// <summary>
/// A listening socket in the workspace whose every accepted connection becomes a channel opened towards the
/// client (<c>forwarded-tcpip</c>, <c>forwarded-streamlocal@openssh.com</c>, <c>auth-agent@openssh.com</c>),
/// with at most a bounded number relayed at once. Disposing stops accepting (relays already running go on
/// until their channel closes) and removes the socket file of a Unix listener.
/// </summary>
internal sealed class ForwardListener : IDisposable
{
    private const uint OwnerReadWrite = 0x180; // 0600

    private readonly Socket _socket;
    private readonly SshChannelMultiplexer _connection;
    private readonly string _channelType;
    private readonly Func<Socket, ReadOnlyMemory<byte>> _channelData;
    private readonly int _maxConnections;
    private readonly ILogger _logger;
    private readonly string? _socketFile;
    private readonly bool _singleConnection;
    private readonly CancellationTokenSource _stop = new();
    private int _active;
    private int _disposed;

    private ForwardListener(Socket socket, SshChannelMultiplexer connection, string channelType, Func<Socket, ReadOnlyMemory<byte>> channelData, int maxConnections, ILogger logger, string? socketFile, bool singleConnection = false)
    {
        _singleConnection = singleConnection;
        _socket = socket;
        _connection = connection;
        _channelType = channelType;
        _channelData = channelData;
        _maxConnections = maxConnections;
        _logger = logger;
        _socketFile = socketFile;
    }

    /// <summary>The bound address (the assigned port of a TCP listener asked for port 0).</summary>
    public EndPoint LocalEndPoint => _socket.LocalEndPoint!;

    /// <summary>Listens on a TCP address; throws <see cref="SocketException"/> when the bind fails.</summary>
    public static ForwardListener ListenTcp(IPEndPoint endPoint, SshChannelMultiplexer connection, string channelType, Func<Socket, ReadOnlyMemory<byte>> channelData, int maxConnections, ILogger logger)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(endPoint);
            socket.Listen(128);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return new ForwardListener(socket, connection, channelType, channelData, maxConnections, logger, null);
    }

    /// <summary>
    /// Listens on a Unix socket path (which must not exist) with mode 0600, as sshd's <c>StreamLocalBindMask 0177</c>:
    /// the mode is set between bind and listen, while a connect is still refused, so no other user ever reaches it.
    /// Throws <see cref="SocketException"/> when the bind fails. A <paramref name="singleConnection"/> listener stops
    /// after its first connection (X11 <c>single connection</c>).
    /// </summary>
    public static ForwardListener ListenUnix(string path, SshChannelMultiplexer connection, string channelType, Func<Socket, ReadOnlyMemory<byte>> channelData, int maxConnections, ILogger logger, bool singleConnection = false)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        var bound = false;
        try
        {
            socket.Bind(new UnixDomainSocketEndPoint(path));
            bound = true;
            if (Sftp.SftpFileSystem.ChangeMode(path, OwnerReadWrite, followLinks: true) is var error and not 0)
                throw new IOException($"cannot make {path} 0600 (errno {error})");
            socket.Listen(128);
        }
        catch
        {
            socket.Dispose();
            if (bound)
                File.Delete(path);
            throw;
        }

        return new ForwardListener(socket, connection, channelType, channelData, maxConnections, logger, path, singleConnection);
    }

    /// <summary>Starts accepting until disposed or the connection ends.</summary>
    public void Start() => _ = AcceptLoopAsync();

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        _stop.Cancel();
        _socket.Dispose();
        if (_socketFile is not null)
        {
            try
            {
                File.Delete(_socketFile);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                _logger.SocketNotRemoved(_socketFile, e.Message);
            }
        }
    }

    private async Task AcceptLoopAsync()
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token, _connection.Closed);
        var token = linked.Token;
        var backoff = new AcceptBackoff(_socket.AcceptAsync, _logger.Report(LocalEndPoint));
        while (await backoff.AcceptAsync(token) is { } accepted)
        {
            if (Interlocked.Increment(ref _active) > _maxConnections)
            {
                Interlocked.Decrement(ref _active);
                _logger.ForwardedConnectionRefused(_socketFile ?? LocalEndPoint.ToString(), _maxConnections);
                accepted.Dispose();
                continue;
            }

            _ = RelayAsync(accepted, _connection.Closed);
            if (_singleConnection)
            {
                Dispose();
                return;
            }
        }
    }

    private async Task RelayAsync(Socket accepted, CancellationToken cancellationToken)
    {
        try
        {
            if (accepted.ProtocolType == ProtocolType.Tcp)
                accepted.NoDelay = true;
            SocketChannelRelay? relay = null;
            try
            {
                await _connection.OpenChannelAsync(_channelType, _channelData(accepted), channel => relay = new SocketChannelRelay(channel, accepted, _logger), cancellationToken);
            }
            catch (Exception e)
            {
                // Refused by the client (SshChannelOpenException) or the connection is ending: drop this one socket.
                _logger.ForwardedChannelRefused(_channelType, _socketFile ?? LocalEndPoint.ToString(), e.Message);
                accepted.Dispose();
                return;
            }

            relay!.Start();
            await relay.Completion;
        }
        finally
        {
            Interlocked.Decrement(ref _active);
        }
    }
}
