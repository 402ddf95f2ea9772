using System.Net;
using System.Net.Sockets;
using System.Text;
using Agent.Specs.Utilities;

namespace Agent.Specs.Runtime.Sshd.Forwarding;

/// <summary>
/// A spec-side server (TCP on loopback or a Unix socket): each connection gets back what it sent, prefixed with
/// "echo:", once the peer has half-closed (so EOF must travel both ways through the forward).
/// </summary>
public sealed class EchoServer : IDisposable
{
    private readonly Socket _listener;
    private readonly CancellationTokenSource _stop = new();

    private EchoServer(Socket listener)
    {
        _listener = listener;
        _ = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndPoint!).Port;

    public int Accepted { get; private set; }

    public static EchoServer Tcp()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        socket.Listen();
        return new EchoServer(socket);
    }

    public static EchoServer Unix(string path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(path));
        socket.Listen();
        return new EchoServer(socket);
    }

    /// <summary>Sends <paramref name="payload"/>, half-closes, and reads everything back.</summary>
    public static async Task<byte[]> RoundTripAsync(EndPoint endPoint, byte[] payload, CancellationToken cancellationToken)
    {
        using var socket = endPoint is UnixDomainSocketEndPoint
            ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            : new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(endPoint, cancellationToken);
        var reading = ReadToEndAsync(socket, cancellationToken);
        await socket.SendAsync(payload, SocketFlags.None, cancellationToken);
        socket.Shutdown(SocketShutdown.Send);
        return await reading;
    }

    /// <summary>A round trip of <paramref name="text"/>, retried until the forward is up (refused or cut connections count as not yet).</summary>
    public static Task<string> RoundTripWhenReadyAsync(EndPoint endPoint, string text)
        => Eventually.WaitAsync<string>(
            async () =>
            {
                try
                {
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                    var reply = await RoundTripAsync(endPoint, Encoding.UTF8.GetBytes(text), timeout.Token);
                    return reply.Length == 0 ? null : Encoding.UTF8.GetString(reply);
                }
                catch (SocketException)
                {
                    return null;
                }
            },
            reply => reply is not null,
            $"a round trip through {endPoint}");

    /// <summary>
    /// Waits (with retries while nothing listens yet) for a connection that is accepted and then closed by the
    /// far side without any data: what a forward whose channel open failed looks like.
    /// </summary>
    public static Task ClosedWithoutDataAsync(EndPoint endPoint)
        => Eventually.WaitAsync<bool?>(
            async () =>
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                using var socket = endPoint is UnixDomainSocketEndPoint
                    ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
                    : new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    await socket.ConnectAsync(endPoint, timeout.Token);
                }
                catch (SocketException)
                {
                    return false;
                }

                try
                {
                    return (await ReadToEndAsync(socket, timeout.Token)).Length == 0;
                }
                catch (SocketException)
                {
                    return true; // Reset by the far side: closed without data too.
                }
            },
            closed => closed == true,
            $"a connection to {endPoint} closed without data");

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Dispose();
        _stop.Dispose();
    }

    private static async Task<byte[]> ReadToEndAsync(Socket socket, CancellationToken cancellationToken)
    {
        var received = new MemoryStream();
        var buffer = new byte[64 * 1024];
        int count;
        while ((count = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken)) > 0)
            received.Write(buffer, 0, count);
        return received.ToArray();
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var connection = await _listener.AcceptAsync(_stop.Token);
                Accepted++;
                _ = EchoAsync(connection);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
    }

    private async Task EchoAsync(Socket connection)
    {
        using (connection)
        {
            try
            {
                var data = await ReadToEndAsync(connection, _stop.Token);
                await connection.SendAsync(Encoding.UTF8.GetBytes("echo:").Concat(data).ToArray(), SocketFlags.None, _stop.Token);
                connection.Shutdown(SocketShutdown.Send);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
            }
        }
    }
}
