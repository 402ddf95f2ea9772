using System.Net;
using System.Net.Sockets;

namespace Agent.Specs.Integration.Ssh;

/// <summary>
/// A client that holds many silent TCP connections to an SSH port from one source address and reopens each one as
/// soon as the server closes it (a refusal, or the pre-authentication deadline), until disposed.
/// </summary>
internal sealed class SilentConnections : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _slots;
    private int _opened;
    private int _closedByServer;

    public SilentConnections(IPAddress source, IPEndPoint server, int count)
    {
        _slots = Enumerable.Range(0, count).Select(_ => Task.Run(() => HoldAsync(source, server))).ToList();
    }

    /// <summary>Connections opened so far (first ones and reopened ones).</summary>
    public int Opened => Volatile.Read(ref _opened);

    /// <summary>Connections the server closed so far.</summary>
    public int ClosedByServer => Volatile.Read(ref _closedByServer);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_slots);
        _stop.Dispose();
    }

    private async Task HoldAsync(IPAddress source, IPEndPoint server)
    {
        var buffer = new byte[4096];
        while (!_stop.IsCancellationRequested)
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                socket.Bind(new IPEndPoint(source, 0));
                await socket.ConnectAsync(server, _stop.Token);
                Interlocked.Increment(ref _opened);

                // Silent: read (the server's version line, if any) until the server closes the connection.
                while (await socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token) > 0)
                {
                }

                Interlocked.Increment(ref _closedByServer);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (SocketException)
            {
                Interlocked.Increment(ref _closedByServer);
            }
        }
    }
}
