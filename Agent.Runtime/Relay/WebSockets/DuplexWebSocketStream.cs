using System.Net.WebSockets;
using Agent.Runtime.Relay.Splice;

namespace Agent.Runtime.Relay.WebSockets;

/// <summary>
/// A WebSocket as a duplex byte stream, for the relay and the web terminal. Reads return an optional prefix first,
/// then the payloads of the peer's messages (text or binary); a normal close from the peer reads as the end of the
/// stream, any other close status throws an <see cref="IOException"/> carrying the peer's reason. Writes are binary
/// messages. <see cref="CompleteWritesAsync"/> half-closes (sends our close frame while reading goes on);
/// <see cref="FailAsync"/> closes with an error reason the peer sees. It owns the WebSocket (disposing closes, then
/// disposes it). One reader and one writer at a time.
/// </summary>
public sealed class DuplexWebSocketStream : AsyncDuplexStream, IHalfClosableStream
{
    /// <summary>The close status of <see cref="FailAsync"/>: the other side failed (agent gone, stream reset).</summary>
    public const WebSocketCloseStatus FailureStatus = WebSocketCloseStatus.InternalServerError;

    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(2);

    private readonly WebSocket _socket;
    private readonly SemaphoreSlim _closing = new(1, 1);
    private ReadOnlyMemory<byte> _prefix;
    private bool _outputClosed;
    private int _disposed;

    public DuplexWebSocketStream(WebSocket socket, ReadOnlyMemory<byte> prefix = default)
    {
        ArgumentNullException.ThrowIfNull(socket);
        _socket = socket;
        _prefix = prefix;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty)
            return 0;
        if (!_prefix.IsEmpty)
        {
            var count = Math.Min(buffer.Length, _prefix.Length);
            _prefix[..count].CopyTo(buffer);
            _prefix = _prefix[count..];
            return count;
        }

        while (_socket.State is WebSocketState.Open or WebSocketState.CloseSent)
        {
            ValueWebSocketReceiveResult result;
            try
            {
                result = await _socket.ReceiveAsync(buffer, cancellationToken).ConfigureAwait(false);
            }
            catch (WebSocketException e)
            {
                throw new IOException($"connection lost: {e.Message}", e);
            }

            if (result.MessageType == WebSocketMessageType.Close)
            {
                if (_socket.CloseStatus is WebSocketCloseStatus.NormalClosure or WebSocketCloseStatus.Empty or null)
                    return 0;
                var reason = string.IsNullOrEmpty(_socket.CloseStatusDescription) ? "closed by the peer" : _socket.CloseStatusDescription;
                throw new IOException($"{reason} ({(int)_socket.CloseStatus})");
            }

            if (result.Count > 0)
                return result.Count;
        }

        return 0;
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            await _socket.SendAsync(buffer, WebSocketMessageType.Binary, endOfMessage: true, cancellationToken).ConfigureAwait(false);
        }
        catch (WebSocketException e)
        {
            throw new IOException($"connection lost: {e.Message}", e);
        }
    }

    /// <summary>Ends our direction with a normal close frame; reading goes on until the peer closes too.</summary>
    public Task CompleteWritesAsync() => CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "end of stream");

    /// <summary>Ends our direction with an error the peer reads as an <see cref="IOException"/> saying <paramref name="reason"/>.</summary>
    public Task FailAsync(string reason) => CloseOutputAsync(FailureStatus, reason);

    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        await CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "closed").ConfigureAwait(false);
        _socket.Dispose();
        await base.DisposeAsync().ConfigureAwait(false);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                _socket.Abort();
            _socket.Dispose();
        }

        base.Dispose(disposing);
    }

    // A close reason is at most 123 UTF-8 bytes.
    private static string Truncate(string reason)
    {
        var text = reason;
        while (System.Text.Encoding.UTF8.GetByteCount(text) > 123)
            text = text[..^1];
        return text;
    }

    private async Task CloseOutputAsync(WebSocketCloseStatus status, string reason)
    {
        await _closing.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_outputClosed || _socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
                return;
            _outputClosed = true;
            using var timeout = new CancellationTokenSource(CloseTimeout);
            await _socket.CloseOutputAsync(status, Truncate(reason), timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The peer is gone; nothing to tell it.
        }
        finally
        {
            _closing.Release();
        }
    }
}
