using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using Agent.Runtime.Net;
using Agent.Runtime.Relay.Splice;
using Agent.Runtime.Relay.WebSockets;

namespace Agent.Runtime.Commands.PortForward;

/// <summary>
/// Listens for one <see cref="TcpForward"/> and relays every accepted connection to the agent port: each gets its own
/// relayed stream, bytes both ways, a FIN on either side half-closes the other (<c>shutdown(SHUT_WR)</c> ↔ a WebSocket
/// close). A failed dial or a broken stream resets that one connection and says why on the error writer. Connections
/// are bounded by the shared <c>slots</c>: when all are taken, accepting waits. A failing accept backs off
/// (<see cref="AcceptBackoff"/>).
/// </summary>
public sealed class PortForwarder : IDisposable
{
    private readonly Socket _listener;
    private readonly Func<int, CancellationToken, Task<DuplexWebSocketStream>> _dial;
    private readonly SemaphoreSlim _slots;
    private readonly TextWriter _error;
    private readonly AcceptBackoff _accept;

    private PortForwarder(Socket listener, TcpForward forward, string agentName, Func<int, CancellationToken, Task<DuplexWebSocketStream>> dial, SemaphoreSlim slots, TextWriter error)
    {
        _listener = listener;
        _dial = dial;
        _slots = slots;
        _error = error;
        Forward = forward;
        LocalEndPoint = (IPEndPoint)listener.LocalEndPoint!;
        Description = $"{LocalEndPoint} -> agent {agentName} port {forward.RemotePort}";

        // Out of descriptors (or a connection reset before accept): one line when it starts, one when it is over.
        _accept = new AcceptBackoff(
            listener.AcceptAsync,
            new AcceptBurstReport(
                e => _ = WriteErrorAsync($"accept failed: {e.Message}; retrying, backing off up to 1 s"),
                (failures, duration) => _ = WriteErrorAsync($"accepting again after {failures} failures in {duration.TotalSeconds:0.#} s")));
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

            if (await _accept.AcceptAsync(cancellationToken) is not { } client)
            {
                _slots.Release();
                return;
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

    // Both ways with half-close; a failure on one side ends the other with the reason (RST locally, 1011 to the relay).
    private async Task PumpAsync(Socket client, DuplexWebSocketStream relay, CancellationToken cancellationToken)
    {
        await using var local = new NetworkStream(client, ownsSocket: true);
        var failure = await StreamSplice.RunAsync(local, relay, cancellationToken);
        if (failure is not null && !cancellationToken.IsCancellationRequested)
            await WriteErrorAsync(failure);
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
