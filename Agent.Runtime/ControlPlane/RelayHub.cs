using System.Collections.Concurrent;
using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using Agent.Runtime.Relay;
using Agent.Runtime.Relay.Yamux;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.ControlPlane;

/// <summary>
/// The connected relays by agent name, and the one way to reach an agent: open a stream to one of its ports, through
/// the relay when it is held here, else through the replica that holds it (<see cref="IRelayDirectory"/>).
/// A newer relay of the same agent replaces the older one (which is closed: it belonged to a lost connection).
/// </summary>
public sealed class RelayHub
{
    /// <summary>How long an agent has to answer a new stream.</summary>
    public static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, AttachedRelay> _sessions = new(StringComparer.Ordinal);
    private readonly IRelayDirectory _directory;
    private readonly RelayClaims _claims;
    private readonly ILogger _logger;

    /// <summary>A hub that claims its relays in <paramref name="directory"/> (retries on <paramref name="scheduler"/>) and reaches the others through their replicas.</summary>
    public RelayHub(IRelayDirectory directory, IScheduler scheduler, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(directory);
        _directory = directory;
        _claims = new RelayClaims(directory, scheduler, logger);
        _logger = logger;
    }

    /// <summary>The relay's id of a stream this hub opened (0 for a stream forwarded through another replica), for log lines.</summary>
    public static uint StreamId(Stream stream) => stream is YamuxStream relayed ? relayed.Id : 0;

    /// <summary>Whether agent <paramref name="name"/> has a relay now.</summary>
    public bool IsConnected(string name) => _sessions.ContainsKey(name);

    /// <summary>
    /// Makes <paramref name="session"/> (from <paramref name="remote"/>) the relay of <paramref name="name"/> until the
    /// result is disposed. A relay it replaces is closed, logged as a warning and told to <paramref name="replaced"/>
    /// (with the older relay's address): the agent reconnected after losing its connection, or someone else holds its token.
    /// </summary>
    public IDisposable Attach(string name, YamuxSession session, string remote, Action<string> replaced)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(replaced);
        var relay = new AttachedRelay(session, remote);
        AttachedRelay? previous = null;
        _sessions.AddOrUpdate(name, relay, (_, old) =>
        {
            previous = old;
            return relay;
        });
        if (previous is not null)
        {
            _logger.RelayReplaced(name, remote, previous.Remote);
            replaced(previous.Remote);
            _ = previous.Session.DisposeAsync().AsTask();
        }

        var claim = _claims.Hold(name, () => IsHeld(name, relay), () => IsConnected(name));
        return Disposable.Create(() =>
        {
            _sessions.TryRemove(new KeyValuePair<string, AttachedRelay>(name, relay));
            claim.Dispose();
        });
    }

    /// <summary>
    /// An HTTP client of agent <paramref name="name"/>'s API (port 4): each connection is a new relayed stream, none
    /// is pooled across relays that come and go. The address's host is ignored.
    /// </summary>
    public HttpClient ApiClient(string name, TimeSpan timeout)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, cancellationToken) => await OpenAsync(name, RelayPorts.HttpApi, cancellationToken),
            PooledConnectionLifetime = TimeSpan.Zero,
        };
        return new HttpClient(handler, disposeHandler: true) { Timeout = timeout };
    }

    /// <summary>
    /// Opens a stream to <paramref name="port"/> of agent <paramref name="name"/> and waits for the agent's answer:
    /// through its relay when it is held here, else through the live replica that holds it (which answers for the agent).
    /// </summary>
    /// <exception cref="RelayOpenException">The agent is not connected, refused, or did not answer in time.</exception>
    public async Task<Stream> OpenAsync(string name, int port, CancellationToken cancellationToken)
    {
        if (_sessions.ContainsKey(name) || _directory.Self is not { } self)
            return await OpenHeldAsync(name, port, cancellationToken).ConfigureAwait(false);
        var owner = await _directory.OwnerAsync(name, cancellationToken).ConfigureAwait(false);
        if (owner is null)
            return await OpenHeldAsync(name, port, cancellationToken).ConfigureAwait(false);
        try
        {
            var stream = await ReplicaStreamDialer.OpenAsync(owner, self, name, port, cancellationToken).ConfigureAwait(false);
            _logger.StreamForwarded(port, name, owner.Id, owner.Address);
            return stream;
        }
        catch (RelayOpenException e)
        {
            _logger.StreamNotForwarded(port, name, owner.Id, owner.Address, e.Message);
            throw;
        }
    }

    /// <summary>
    /// Opens a stream to <paramref name="port"/> of agent <paramref name="name"/> through its relay held here (never
    /// through another replica) and waits for the agent's answer.
    /// </summary>
    /// <exception cref="RelayOpenException">The agent's relay is not held here, the agent refused, or did not answer in time.</exception>
    public async Task<YamuxStream> OpenHeldAsync(string name, int port, CancellationToken cancellationToken)
    {
        if (!_sessions.TryGetValue(name, out var relay))
            throw new RelayOpenException(StatusCodes.Status502BadGateway, $"agent {name} is not connected to the relay");

        YamuxStream stream;
        try
        {
            stream = await relay.Session.OpenStreamAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or ObjectDisposedException)
        {
            throw new RelayOpenException(StatusCodes.Status502BadGateway, $"agent {name} cannot take a new connection: {e.Message}", e);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ReplyTimeout);
        try
        {
            await RelayHandshake.WriteRequestAsync(stream, port, timeout.Token).ConfigureAwait(false);
            var (status, message) = await RelayHandshake.ReadReplyAsync(stream, timeout.Token).ConfigureAwait(false);
            if (status == RelayStatus.Connected)
                return stream;
            throw new RelayOpenException(StatusCodes.Status502BadGateway, message.Length > 0 ? message : $"agent {name} refused port {port} ({status})");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            stream.Reset();
            throw new RelayOpenException(StatusCodes.Status504GatewayTimeout, $"agent {name} did not answer within {ReplyTimeout.TotalSeconds:0} s");
        }
        catch (Exception e) when (e is IOException or EndOfStreamException)
        {
            stream.Reset();
            throw new RelayOpenException(StatusCodes.Status502BadGateway, $"agent {name} closed the connection: {e.Message}", e);
        }
        catch (RelayOpenException)
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private bool IsHeld(string name, AttachedRelay relay) => _sessions.TryGetValue(name, out var current) && ReferenceEquals(current, relay);

    private sealed record AttachedRelay(YamuxSession Session, string Remote);
}
