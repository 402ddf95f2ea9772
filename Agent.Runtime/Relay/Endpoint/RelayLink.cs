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

    /// <summary>
    /// A link that also ends, with an <see cref="IOException"/> naming where to, when <paramref name="follow"/>'s task
    /// completes: the agent's session moved to another control plane.
    /// </summary>
    public RelayLink(YamuxSession session, DuplexWebSocketStream transport, RelayStreamHandler handler, ILogger logger, (Task Moved, Func<Uri> To)? follow)
    {
        _session = session;
        _transport = transport;
        _handler = handler;
        _logger = logger;
        _accepting = AcceptAsync();
        Completion = follow is { } moving ? EndAsync(moving.Moved, moving.To) : session.Completion;
    }

    /// <summary>Ends when the multiplexer's session does, or fails when the agent's session moves to another control plane.</summary>
    public Task Completion { get; }

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

    // WhenAny drops its continuation on the task that did not finish, so a link that ends leaves nothing on the other.
    private async Task EndAsync(Task moved, Func<Uri> to)
    {
        var first = await Task.WhenAny(_session.Completion, moved).ConfigureAwait(false);
        if (first == moved)
            throw new IOException($"the agent's session moved to {to().GetLeftPart(UriPartial.Authority)}; the relay follows it");
        await first.ConfigureAwait(false);
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
