using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Agent.Specs.Runtime.Sshd.Forwarding;

/// <summary>
/// A stand-in for the X server on the client side, on TCP 127.0.0.1:6000+display: it reads one connection setup
/// (little-endian clients only), keeps the authorization protocol name and data length, answers "X11-OK" and closes.
/// </summary>
public sealed class FakeXServer : IDisposable
{
    private readonly TcpListener _listener;
    private readonly TaskCompletionSource<(string Name, int DataLength)> _setup = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private FakeXServer(TcpListener listener, int display)
    {
        _listener = listener;
        Display = display;
        _ = ServeAsync();
    }

    public int Display { get; }

    /// <summary>The authorization protocol name and data length of the first setup received.</summary>
    public Task<(string Name, int DataLength)> Setup => _setup.Task;

    /// <summary>Listens on the first free display from 50 on.</summary>
    public static FakeXServer Start()
    {
        for (var display = 50; display < 200; display++)
        {
            var listener = new TcpListener(IPAddress.Loopback, 6000 + display);
            try
            {
                listener.Start();
                return new FakeXServer(listener, display);
            }
            catch (SocketException)
            {
                listener.Dispose();
            }
        }

        throw new InvalidOperationException("no free X display port from 6050 to 6199");
    }

    public void Dispose()
    {
        _listener.Dispose();
        _setup.TrySetCanceled();
    }

    private static async Task ReadExactlyAsync(NetworkStream stream, byte[] buffer)
        => await stream.ReadExactlyAsync(buffer);

    private async Task ServeAsync()
    {
        try
        {
            using var client = await _listener.AcceptTcpClientAsync();
            var stream = client.GetStream();
            var header = new byte[12];
            await ReadExactlyAsync(stream, header);
            var nameLength = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(6));
            var dataLength = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(8));
            var rest = new byte[((nameLength + 3) & ~3) + ((dataLength + 3) & ~3)];
            await ReadExactlyAsync(stream, rest);
            _setup.TrySetResult((Encoding.ASCII.GetString(rest, 0, nameLength), dataLength));
            await stream.WriteAsync(Encoding.ASCII.GetBytes("X11-OK\n"));
            client.Client.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is SocketException or IOException or ObjectDisposedException)
        {
            _setup.TrySetException(e);
        }
    }
}
