using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using DuplexWebSocketStream = Agent.Runtime.Net.DuplexWebSocketStream;

namespace Agent.Runtime.Relay.Client;

/// <summary>
/// Listens for one <see cref="TcpForward"/> and relays every accepted connection to the agent port: each gets its own
/// relayed stream, bytes both ways, a FIN on either side half-closes the other (<c>shutdown(SHUT_WR)</c> ↔ a WebSocket
/// close). A failed dial or a broken stream resets that one connection and says why on the error writer. Connections
/// are bounded by the shared <c>slots</c>: when all are taken, accepting waits.
/// </summary>
public sealed class PortForwarder : IDisposable
{
    private static readonly TimeSpan AcceptRetryDelay = TimeSpan.FromMilliseconds(200);

    private readonly Socket _listener;
    private readonly Func<int, CancellationToken, Task<DuplexWebSocketStream>> _dial;
    private readonly SemaphoreSlim _slots;
    private readonly TextWriter _error;

    private PortForwarder(Socket listener, TcpForward forward, string agentName, Func<int, CancellationToken, Task<DuplexWebSocketStream>> dial, SemaphoreSlim slots, TextWriter error)
    {
        _listener = listener;
        _dial = dial;
        _slots = slots;
        _error = error;
        Forward = forward;
        LocalEndPoint = (IPEndPoint)listener.LocalEndPoint!;
        Description = $"{LocalEndPoint} -> agent {agentName} port {forward.RemotePort}";
    }

    public TcpForward Forward { get; }

    /// <summary>Where it listens (the actual port when LOCAL was 0).</summary>
    public IPEndPoint LocalEndPoint { get; }

    /// <summary><c>127.0.0.1:8080 -> agent main port 8000</c>.</summary>
    public string Description { get; }

    /// <summary>Binds the listener (throws <see cref="SocketException"/> when the address is taken or not local).</summary>
    public static PortForwarder Listen(
        TcpForward forward, string agentName, Func<int, CancellationToken, Task<DuplexWebSocketStream>> dial, SemaphoreSlim slots, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(forward);
        ArgumentNullException.ThrowIfNull(dial);
        ArgumentNullException.ThrowIfNull(slots);
        ArgumentNullException.ThrowIfNull(error);
        var listener = new Socket(forward.Local.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.Bind(forward.Local);
            listener.Listen(128);
        }
        catch
        {
            listener.Dispose();
            throw;
        }

        return new PortForwarder(listener, forward, agentName, dial, slots, error);
    }

    /// <summary>Accepts until <paramref name="cancellationToken"/> is cancelled; open connections end with it too.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var closeOnCancel = cancellationToken.Register(_listener.Dispose);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await _slots.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            Socket client;
            try
            {
                client = await _listener.AcceptAsync(cancellationToken);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException || cancellationToken.IsCancellationRequested)
            {
                _slots.Release();
                return;
            }
            catch (SocketException e)
            {
                // Out of descriptors or a connection reset before accept: say so, back off a little, go on.
                _slots.Release();
                await WriteErrorAsync($"accept failed: {e.Message}");
                await Task.Delay(AcceptRetryDelay, cancellationToken).ContinueWith(static _ => { }, TaskScheduler.Default);
                continue;
            }

            _ = ServeAsync(client, cancellationToken);
        }
    }

    public void Dispose() => _listener.Dispose();

    private static void Reset(Socket socket)
    {
        try
        {
            socket.LingerState = new LingerOption(true, 0);
        }
        catch (SocketException)
        {
            // Already closed by the peer; a plain close is all that is left.
        }

        socket.Dispose();
    }

    private static Task ShutdownSend(Socket socket)
    {
        try
        {
            socket.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException)
        {
            // The local peer is already gone; its reading side will report that.
        }

        return Task.CompletedTask;
    }

    private async Task ServeAsync(Socket client, CancellationToken cancellationToken)
    {
        try
        {
            client.NoDelay = true;
            DuplexWebSocketStream relay;
            try
            {
                relay = await _dial(Forward.RemotePort, cancellationToken);
            }
            catch (Exception e) when (e is IOException or WebSocketException or OperationCanceledException)
            {
                if (!cancellationToken.IsCancellationRequested)
                    await WriteErrorAsync(e.Message);
                Reset(client);
                return;
            }

            await using (relay)
            {
                await PumpAsync(client, relay, cancellationToken);
            }
        }
        finally
        {
            _slots.Release();
        }
    }

    private async Task PumpAsync(Socket client, DuplexWebSocketStream relay, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var local = new NetworkStream(client, ownsSocket: false);
        var up = StreamPump.CopyAsync(local, relay, relay.CompleteWritesAsync, flushEachChunk: false, stop.Token);
        var down = StreamPump.CopyAsync(relay, local, () => ShutdownSend(client), flushEachChunk: false, stop.Token);
        try
        {
            var first = await Task.WhenAny(up, down);
            await first;
            await (first == up ? down : up);
            client.Dispose();
        }
        catch (Exception e) when (e is IOException or SocketException or WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
            if (!cancellationToken.IsCancellationRequested)
            {
                await WriteErrorAsync(e.Message);
                try
                {
                    await relay.FailAsync($"client connection failed: {e.Message}");
                }
                catch (InvalidOperationException)
                {
                    // A write is still in flight; cancelling it below aborts the WebSocket, which the peer sees too.
                }
            }

            await stop.CancelAsync();
            Reset(client);
            await Task.WhenAll(up, down).ContinueWith(static t => t.Exception, TaskScheduler.Default);
        }
    }

    private async Task WriteErrorAsync(string message)
    {
        try
        {
            await _error.WriteLineAsync($"agent port-forward: {Description}: {message}");
            await _error.FlushAsync();
        }
        catch (ObjectDisposedException)
        {
            // The command is ending and its error writer with it.
        }
    }
}
