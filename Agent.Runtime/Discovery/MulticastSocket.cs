using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Discovery;

/// <summary>
/// A UDP socket on a multicast group's port (shared with other responders on the host: SO_REUSEADDR), member of the
/// group on the interface that carries <c>interfaceAddress</c>, sending from that interface. Datagrams over the
/// receive buffer are truncated by the kernel and dropped here; the receive loop ends when the socket is disposed.
/// </summary>
public sealed class MulticastSocket : IDisposable
{
    private readonly Socket _socket;
    private readonly string _name;
    private readonly int _maxBytes;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();

    private MulticastSocket(Socket socket, string name, int maxBytes, ILogger logger)
    {
        _socket = socket;
        _name = name;
        _maxBytes = maxBytes;
        _logger = logger;
    }

    /// <summary>Opens the socket for <paramref name="group"/> on the interface of <paramref name="interfaceAddress"/>.</summary>
    /// <exception cref="SocketException">The port cannot be bound or the group joined.</exception>
    public static MulticastSocket Open(string name, IPEndPoint group, IPAddress interfaceAddress, int timeToLive, int maxBytes, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(interfaceAddress);
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.PacketInformation, true);
            socket.Bind(new IPEndPoint(IPAddress.Any, group.Port));
            socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.AddMembership, new MulticastOption(group.Address, interfaceAddress));
            socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastInterface, interfaceAddress.GetAddressBytes());
            socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastTimeToLive, timeToLive);
            socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastLoopback, true);
            return new MulticastSocket(socket, name, maxBytes, logger);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Receives until disposed: each datagram with its source and whether it was sent to a multicast group.</summary>
    public void Start(Action<ReadOnlyMemory<byte>, IPEndPoint, bool> receive)
        => _ = Task.Run(() => ReceiveAsync(receive));

    /// <summary>Sends <paramref name="datagram"/>; a failure is logged (UDP is best effort).</summary>
    public void Send(byte[] datagram, IPEndPoint destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        try
        {
            _socket.SendTo(datagram, destination);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            _logger.DiscoverySendFailed(_name, destination, e.Message);
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _socket.Dispose();
        _stop.Dispose();
    }

    private static bool IsMulticast(IPAddress address)
        => address.AddressFamily == AddressFamily.InterNetwork && (address.GetAddressBytes()[0] & 0xF0) == 0xE0;

    private async Task ReceiveAsync(Action<ReadOnlyMemory<byte>, IPEndPoint, bool> receive)
    {
        var buffer = new byte[_maxBytes + 1];
        var token = _stop.Token;
        while (!token.IsCancellationRequested)
        {
            SocketReceiveMessageFromResult result;
            try
            {
                result = await _socket.ReceiveMessageFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), token);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                if (token.IsCancellationRequested)
                    return;
                continue;
            }

            var source = (IPEndPoint)result.RemoteEndPoint;
            if (result.ReceivedBytes > _maxBytes || (result.SocketFlags & SocketFlags.Truncated) != 0)
            {
                _logger.SsdpDatagramIgnored(source, $"{_name}: over {_maxBytes} bytes");
                continue;
            }

            try
            {
                var multicast = result.PacketInformation.Address is { } destination && IsMulticast(destination);
                receive(buffer.AsMemory(0, result.ReceivedBytes), source, multicast);
            }
            catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException)
            {
                _logger.SsdpDatagramIgnored(source, $"{_name}: {e.Message}");
            }
        }
    }
}
