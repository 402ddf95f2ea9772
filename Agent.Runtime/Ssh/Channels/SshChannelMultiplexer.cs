using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Net;
using Agent.Reactive.Statistics;
using Agent.Runtime.Ssh.Auth;
using Agent.Runtime.Ssh.Transport;
using Agent.Runtime.Ssh.Wire;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Ssh.Channels;

/// <summary>
/// The connection protocol (RFC 4254) of one authenticated connection: the channel table (bounded per kind by
/// <see cref="SshChannelLimits"/>: sessions as sshd's <c>MaxSessions</c>, forwarding channels apart), channel
/// opens by type through registered <see cref="SshChannelOpenHandler"/>s,
/// global requests by name through registered <see cref="SshGlobalRequestHandler"/>s (anything unregistered,
/// <c>keepalive@openssh.com</c> included, gets REQUEST_FAILURE when a reply is wanted), channel requests to
/// each channel's <see cref="ISshChannelHandler"/> (FAILURE for what it declines), and channels the server
/// opens towards the client (<see cref="OpenChannelAsync"/>, for forwarding).
/// </summary>
[SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable", Justification = "Its token is handed out to extensions and may be observed after the connection ends; no timer or wait handle is held.")]
public sealed class SshChannelMultiplexer
{
    /// <summary>The largest data packet we accept (well under the transport's 256 KiB packet limit).</summary>
    public const uint LocalMaxPacket = 128 * 1024;

    /// <summary>The largest chunk we send in one data message, whatever the peer allows.</summary>
    public const uint MaxOutgoingChunk = 128 * 1024;

    private static long _lastId;

    private readonly ISshConnectionTransport _transport;
    private readonly IReadOnlyDictionary<string, SshChannelOpenHandler> _channelTypes;
    private readonly GlobalRequestDispatcher _globalRequests;
    private readonly AgentCounters? _counters;
    private readonly ILogger _logger;
    private readonly SshChannelLimits _limits;
    private readonly Lock _gate = new();
    private readonly Dictionary<uint, SshChannel> _channels = [];
    private readonly HashSet<uint> _pendingIncoming = [];
    private readonly Dictionary<uint, (TaskCompletionSource<SshChannel> Waiter, Func<SshChannel, ISshChannelHandler> CreateHandler)> _pendingOutgoing = [];
    private readonly HashSet<uint> _abandoned = [];
    private readonly CancellationTokenSource _closed = new();
    private readonly TimeProvider _time;
    private long _lastReceived;
    private uint _nextId;
    private bool _ended;

    internal SshChannelMultiplexer(
        ISshConnectionTransport transport,
        SshLogin login,
        IReadOnlyDictionary<string, SshChannelOpenHandler> channelTypes,
        IReadOnlyDictionary<string, SshGlobalRequestHandler> globalRequests,
        AgentCounters? counters,
        SshChannelLimits limits,
        TimeProvider time,
        ILogger logger)
    {
        _transport = transport;
        _time = time;
        _lastReceived = time.GetTimestamp();
        _limits = limits;
        Id = Interlocked.Increment(ref _lastId);
        UserName = login.User;
        KeyFingerprint = login.KeyFingerprint;
        Restrictions = login.Restrictions;
        _channelTypes = channelTypes;
        _globalRequests = new GlobalRequestDispatcher(globalRequests, logger);
        _counters = counters;
        _logger = logger;
    }

    /// <summary>A number for this connection, unique in the process, for the logs.</summary>
    public long Id { get; }

    /// <summary>The user name the client authenticated with (the agent runs everything as its own user).</summary>
    public string UserName { get; }

    /// <summary>The SHA-256 fingerprint of the key the user logged in with; <c>null</c> when the relay vouched for the user.</summary>
    public string? KeyFingerprint { get; }

    /// <summary>What this login may do (authorized_keys options, certificate); session and forwarding handlers obey it.</summary>
    public LoginRestrictions Restrictions { get; }

    public EndPoint? RemoteEndPoint => _transport.RemoteEndPoint;

    public EndPoint? LocalEndPoint => _transport.LocalEndPoint;

    /// <summary>Cancelled when the connection ends.</summary>
    public CancellationToken Closed => _closed.Token;

    /// <summary>State of extensions kept per connection (e.g. active remote forwards), dropped with it.</summary>
    public ConcurrentDictionary<string, object> Items { get; } = new(StringComparer.Ordinal);

    /// <summary>Channels open now.</summary>
    public int ChannelCount
    {
        get
        {
            lock (_gate)
                return _channels.Count;
        }
    }

    /// <summary>When the last message from the peer arrived (a timestamp of the connection's <see cref="TimeProvider"/>), for keepalives.</summary>
    internal long LastReceived => Volatile.Read(ref _lastReceived);

    /// <summary>
    /// Opens a channel towards the client (e.g. <c>forwarded-tcpip</c>, <c>auth-agent@openssh.com</c>) with
    /// the type-specific <paramref name="data"/>. <paramref name="createHandler"/> makes the handler once the
    /// client confirmed. Throws <see cref="SshChannelOpenException"/> when the client refuses, or when
    /// <see cref="SshChannelLimits.MaxOtherChannels"/> are open.
    /// </summary>
    public async Task<SshChannel> OpenChannelAsync(string type, ReadOnlyMemory<byte> data, Func<SshChannel, ISshChannelHandler> createHandler, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(createHandler);
        var waiter = new TaskCompletionSource<SshChannel>(TaskCreationOptions.RunContinuationsAsynchronously);
        var channel = Reserve(type, out var refusal);
        if (channel is null)
        {
            if (refusal!.Reason != ChannelOpenFailureReason.ConnectFailed)
                _logger.OutgoingChannelRefused(Id, RemoteEndPoint, type, _limits.MaxOtherChannels);
            throw new SshChannelOpenException(refusal.Reason, refusal.Description);
        }

        lock (_gate)
            _pendingOutgoing[channel.LocalId] = (waiter, createHandler);
        try
        {
            await SendAsync(ChannelMessages.Open(type, channel.LocalId, SshChannelLimits.InitialWindow, LocalMaxPacket, data.Span), cancellationToken);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, Closed);
            return await waiter.Task.WaitAsync(linked.Token);
        }
        catch (Exception e) when (e is not SshChannelOpenException)
        {
            // A confirmation may still come: the reading loop closes channels nobody waits for.
            lock (_gate)
            {
                if (_pendingOutgoing.Remove(channel.LocalId))
                    _abandoned.Add(channel.LocalId);
            }

            throw;
        }
    }

    internal ValueTask SendAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
        => _transport.SendAsync(payload, cancellationToken);

    internal void CountSent(int bytes) => _counters?.AddSent(bytes);

    internal void LogWindowGrown(uint channel, long window) => _logger.WindowGrown(Id, channel, window);

    internal void Free(SshChannel channel)
    {
        lock (_gate)
        {
            if (_channels.TryGetValue(channel.LocalId, out var current) && ReferenceEquals(current, channel))
                _channels.Remove(channel.LocalId);
        }
    }

    /// <summary>Hands a received CHANNEL_DATA payload back to the transport once its channel's consumer read it.</summary>
    internal void Release(ReadOnlyMemory<byte> payload) => _transport.Release(payload);

    /// <summary>Reads and dispatches messages until the peer disconnects; violations throw <see cref="SshProtocolException"/>.</summary>
    internal async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                var message = await _transport.ReceiveAsync(cancellationToken);
                if (message is not { } payload)
                    return;
                Volatile.Write(ref _lastReceived, _time.GetTimestamp());
                await DispatchAsync(payload, cancellationToken);
            }
        }
        finally
        {
            EndAll();
        }
    }

    private async ValueTask DispatchAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        if (payload.IsEmpty)
            throw new SshProtocolException("an empty message");
        var number = (MessageNumber)payload.Span[0];
        switch (number)
        {
            case MessageNumber.ChannelData:
            case MessageNumber.ChannelExtendedData:
                {
                    var channel = Find(ChannelMessages.Recipient(payload.Span), number);
                    var data = ChannelMessages.ReadData(payload, number == MessageNumber.ChannelExtendedData);
                    _counters?.AddReceived(data.Length);

                    // Queued: the channel owns the payload now and hands it back once its consumer read it.
                    if (channel.OnData(data, payload, number == MessageNumber.ChannelExtendedData))
                        break;
                    _transport.Release(payload);
                    await channel.AcknowledgeDiscardedAsync(cancellationToken);
                    break;
                }

            case MessageNumber.ChannelWindowAdjust:
                {
                    var (recipient, bytes) = ChannelMessages.ReadWindowAdjust(payload.Span);
                    Find(recipient, number).OnWindowAdjust(bytes);
                    _transport.Release(payload);
                    break;
                }

            case MessageNumber.ChannelEof:
                Find(ChannelMessages.Recipient(payload.Span), number).OnRemoteEof();
                break;
            case MessageNumber.ChannelClose:
                await Find(ChannelMessages.Recipient(payload.Span), number).OnRemoteCloseAsync(cancellationToken);
                break;
            case MessageNumber.ChannelRequest:
                await HandleChannelRequestAsync(payload, cancellationToken);
                break;
            case MessageNumber.ChannelOpen:
                await HandleOpenAsync(payload, cancellationToken);
                break;
            case MessageNumber.ChannelOpenConfirmation:
            case MessageNumber.ChannelOpenFailure:
                await HandleOpenReplyAsync(payload, number, cancellationToken);
                break;
            case MessageNumber.GlobalRequest:
                await _globalRequests.HandleAsync(this, payload, cancellationToken);
                break;
            case MessageNumber.ChannelSuccess:
            case MessageNumber.ChannelFailure:
            case MessageNumber.RequestSuccess:
            case MessageNumber.RequestFailure:
                // Replies to our keepalives (the arrival itself is what counts) or to requests sent without want-reply.
                break;
            case MessageNumber.UserauthRequest:
                // RFC 4252 section 5.1: requests after success are ignored.
                break;
            case MessageNumber.Ignore:
            case MessageNumber.Debug:
            case MessageNumber.ExtInfo:
                break;
            default:
                throw new SshProtocolException($"unexpected message {(byte)number} in the connection protocol");
        }
    }

    private SshChannel Find(uint localId, MessageNumber number)
    {
        lock (_gate)
        {
            if (_channels.TryGetValue(localId, out var channel) && !_pendingIncoming.Contains(localId)
                && !_pendingOutgoing.ContainsKey(localId) && !_abandoned.Contains(localId))
                return channel;
        }

        throw new SshProtocolException($"message {(byte)number} for channel {localId}, which is not open");
    }

    // A channel number for a new channel of `type`, or null (with the refusal) when the connection ended or the
    // channels of its kind are at their bound.
    private SshChannel? Reserve(string type, out SshChannelOpenResult? refusal)
    {
        var session = SshChannelLimits.IsSession(type);
        lock (_gate)
        {
            refusal = null;
            if (_ended)
            {
                refusal = SshChannelOpenResult.Reject(ChannelOpenFailureReason.ConnectFailed, "the connection is ending");
                return null;
            }

            var sameKind = _channels.Values.Count(c => SshChannelLimits.IsSession(c.Type) == session);
            if (session && sameKind >= _limits.MaxSessions)
            {
                refusal = SshChannelOpenResult.Reject(ChannelOpenFailureReason.AdministrativelyProhibited, $"no more sessions: at most {_limits.MaxSessions} per connection");
                return null;
            }

            if (!session && sameKind >= _limits.MaxOtherChannels)
            {
                refusal = SshChannelOpenResult.Reject(ChannelOpenFailureReason.ResourceShortage, $"too many channels: at most {_limits.MaxOtherChannels} forwarding channels per connection");
                return null;
            }

            while (_channels.ContainsKey(_nextId))
                _nextId++;
            var channel = new SshChannel(this, type, _nextId++);
            _channels.Add(channel.LocalId, channel);
            return channel;
        }
    }

    private async ValueTask HandleOpenAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var (type, sender, window, maxPacket, data) = ChannelMessages.ReadOpen(payload);
        if (!_channelTypes.TryGetValue(type, out var handler))
        {
            _logger.UnknownChannelType(Id, type);
            await SendOpenFailureAsync(sender, ChannelOpenFailureReason.UnknownChannelType, "unknown channel type", cancellationToken);
            return;
        }

        var channel = Reserve(type, out var refusal);
        if (channel is null)
        {
            if (refusal!.Reason == ChannelOpenFailureReason.ConnectFailed)
                _logger.ChannelRefusedWhileEnding(Id, type);
            else if (SshChannelLimits.IsSession(type))
                _logger.SessionRefused(Id, RemoteEndPoint, _limits.MaxSessions);
            else
                _logger.ChannelRefused(Id, RemoteEndPoint, type, _limits.MaxOtherChannels);
            await SendOpenFailureAsync(sender, refusal.Reason, refusal.Description, cancellationToken);
            return;
        }

        channel.Confirm(sender, window, maxPacket);
        lock (_gate)
            _pendingIncoming.Add(channel.LocalId);

        // The handler may take a while (a connect); other channels go on meanwhile.
        _ = CompleteOpenAsync(channel, handler, data, cancellationToken);
    }

    private async Task CompleteOpenAsync(SshChannel channel, SshChannelOpenHandler handler, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        SshChannelOpenResult result;
        try
        {
            result = await handler(channel, data, cancellationToken);
        }
        catch (Exception e)
        {
            _logger.ChannelOpenFailed(e, Id, channel.Type);
            result = SshChannelOpenResult.Reject(ChannelOpenFailureReason.ConnectFailed, e.Message);
        }

        try
        {
            if (result.Handler is { } channelHandler)
            {
                channel.Handler = channelHandler;
                var confirmation = ChannelMessages.OpenConfirmation(channel.RemoteId, channel.LocalId, SshChannelLimits.InitialWindow, LocalMaxPacket);

                // Open before the confirmation leaves: the client may send requests for the channel the moment it
                // reads it, and the receive loop must find the channel then.
                bool ended;
                lock (_gate)
                {
                    _pendingIncoming.Remove(channel.LocalId);
                    ended = _ended;
                }

                await SendAsync(confirmation, cancellationToken);
                if (ended)
                    channel.End();
                return;
            }

            lock (_gate)
            {
                _pendingIncoming.Remove(channel.LocalId);
                _channels.Remove(channel.LocalId);
            }

            await SendOpenFailureAsync(channel.RemoteId, result.Reason, result.Description, cancellationToken);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
        {
            _logger.ConnectionEndedDuringOpen(Id, channel.Type);
            channel.End();
        }
    }

    private async ValueTask HandleOpenReplyAsync(ReadOnlyMemory<byte> payload, MessageNumber number, CancellationToken cancellationToken)
    {
        var reader = new SshReader(payload.Span);
        reader.ReadMessageNumber();

        // RFC 4254 §5.1 SSH_MSG_CHANNEL_OPEN_CONFIRMATION: byte 91, uint32 recipient channel, uint32 sender channel,
        // uint32 initial window size, uint32 maximum packet size; SSH_MSG_CHANNEL_OPEN_FAILURE: byte 92, uint32
        // recipient channel, uint32 reason code, string description, string language tag
        var localId = reader.ReadUInt32();
        SshChannel? channel;
        TaskCompletionSource<SshChannel>? waiter = null;
        Func<SshChannel, ISshChannelHandler>? createHandler = null;
        lock (_gate)
        {
            _channels.TryGetValue(localId, out channel);
            if (channel is not null && _pendingOutgoing.Remove(localId, out var pending))
                (waiter, createHandler) = pending;
            var known = channel is not null && (waiter is not null || _abandoned.Remove(localId));
            if (!known)
                channel = null;
            else if (number == MessageNumber.ChannelOpenFailure)
                _channels.Remove(localId);
        }

        if (channel is null)
            throw new SshProtocolException($"an open reply for channel {localId}, which is not being opened");
        if (number == MessageNumber.ChannelOpenFailure)
        {
            var reason = (ChannelOpenFailureReason)reader.ReadUInt32();
            var description = reader.ReadString();
            waiter?.TrySetException(new SshChannelOpenException(reason, description));
            return;
        }

        channel.Confirm(reader.ReadUInt32(), reader.ReadUInt32(), reader.ReadUInt32());
        if (waiter is null || createHandler is null)
        {
            // Nobody waits any more (cancelled): close it right away; it is freed when the peer's CLOSE arrives.
            await channel.CloseAsync(cancellationToken);
            return;
        }

        try
        {
            channel.Handler = createHandler(channel);
        }
        catch (Exception e)
        {
            waiter.TrySetException(e);
            await channel.CloseAsync(cancellationToken);
            return;
        }

        waiter.TrySetResult(channel);
    }

    private async ValueTask HandleChannelRequestAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var (recipient, request) = ChannelMessages.ReadRequest(payload);
        var channel = Find(recipient, MessageNumber.ChannelRequest);
        var success = false;
        if (channel.Handler is { } handler)
        {
            try
            {
                success = await handler.OnRequestAsync(request, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException and not SshProtocolException)
            {
                _logger.ChannelRequestFailed(e, Id, request.Type, channel.LocalId);
            }
        }

        try
        {
            if (!request.WantReply)
                return;
            await SendAsync(ChannelMessages.RequestReply(success, channel.RemoteId), cancellationToken);
        }
        finally
        {
            request.MarkAnswered();
        }
    }

    private ValueTask SendOpenFailureAsync(uint recipient, ChannelOpenFailureReason reason, string description, CancellationToken cancellationToken)
        => SendAsync(ChannelMessages.OpenFailure(recipient, reason, description), cancellationToken);

    private void EndAll()
    {
        List<SshChannel> channels;
        List<TaskCompletionSource<SshChannel>> waiters;
        lock (_gate)
        {
            _ended = true;
            channels = [.. _channels.Values];
            waiters = [.. _pendingOutgoing.Values.Select(p => p.Waiter)];
            _channels.Clear();
            _pendingIncoming.Clear();
            _pendingOutgoing.Clear();
            _abandoned.Clear();
        }

        _closed.Cancel();
        foreach (var waiter in waiters)
            waiter.TrySetException(new SshChannelOpenException(ChannelOpenFailureReason.ConnectFailed, "the connection ended"));
        foreach (var channel in channels)
        {
            try
            {
                channel.End();
            }
            catch (Exception e)
            {
                _logger.ChannelEndFailed(e, Id, channel.LocalId);
            }
        }
    }
}
