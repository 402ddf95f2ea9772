using System.Net.Sockets;
using System.Text;

namespace Agent.Specs.Runtime.ControlPlane;

/// <summary>
/// A client of <c>/events</c> on a real socket with a small receive buffer that sends its request and then stops
/// reading, until the spec reads what arrived.
/// </summary>
internal sealed class StalledEventReader : IDisposable
{
    private readonly Socket _socket;

    private StalledEventReader(Socket socket) => _socket = socket;

    public static async Task<StalledEventReader> OpenAsync(Uri server, string agent, string userToken)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        await socket.ConnectAsync(server.Host, server.Port);
        var request = $"GET /api/v2/workspaceagents/{agent}/events HTTP/1.1\r\nHost: {server.Authority}\r\nCoder-Session-Token: {userToken}\r\n\r\n";
        await socket.SendAsync(Encoding.ASCII.GetBytes(request));
        return new StalledEventReader(socket);
    }

    /// <summary>Reads until the server ends the connection (a close or a reset); returns the bytes received.</summary>
    public async Task<long> ReadToEndAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        var buffer = new byte[64 << 10];
        long total = 0;
        try
        {
            int read;
            while ((read = await _socket.ReceiveAsync(buffer, deadline.Token)) > 0)
                total += read;
        }
        catch (SocketException failure) when (failure.SocketErrorCode == SocketError.ConnectionReset)
        {
            // An aborted connection ends with a reset.
        }

        return total;
    }

    /// <summary>Reads until <paramref name="marker"/> arrived; returns everything read.</summary>
    public async Task<string> ReadUntilAsync(string marker, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        var buffer = new byte[64 << 10];
        var text = new StringBuilder();
        while (!text.ToString().Contains(marker, StringComparison.Ordinal))
        {
            var read = await _socket.ReceiveAsync(buffer, deadline.Token);
            if (read == 0)
                throw new EndOfStreamException($"the stream ended before \"{marker}\":\n{text}");
            text.Append(Encoding.UTF8.GetString(buffer, 0, read));
        }

        return text.ToString();
    }

    public void Dispose() => _socket.Dispose();
}
