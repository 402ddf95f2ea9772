using Agent.Reactive.Effects;
using Agent.Runtime.Relay.WebSockets;
using Agent.Runtime.Relay.Yamux;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Relay.Endpoint;

/// <summary>The agent's end of a connected relay: accepts the streams the control plane opens and serves each on its own.</summary>
internal sealed class RelayLink : IRelayLink
{
    private readonly YamuxSession _session;
    private readonly DuplexWebSocketStream _transport;
    private readonly RelayStreamHandler _handler;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _closing = new();
    private readonly Task _accepting;
    private int _disposed;

    public RelayLink(YamuxSession session, DuplexWebSocketStream transport, RelayStreamHandler handler, ILogger logger)
    {
        _session = session;
        _transport = transport;
        _handler = handler;
        _logger = logger;
        _accepting = AcceptAsync();
    }

    public Task Completion => _session.Completion;

    public Task<TimeSpan> PingAsync(CancellationToken cancellationToken) => _session.PingAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        await _closing.CancelAsync().ConfigureAwait(false);
        await _session.DisposeAsync().ConfigureAwait(false);
        await _transport.DisposeAsync().ConfigureAwait(false);
        await _accepting.ConfigureAwait(false);
        _closing.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_closing.IsCancellationRequested)
        {
            YamuxStream stream;
            try
            {
                stream = await _session.AcceptStreamAsync(_closing.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
            {
                _logger.StopsAccepting(e.Message);
                return;
            }

            _ = Task.Run(() => _handler.ServeAsync(stream, _closing.Token), CancellationToken.None);
        }
    }
}
