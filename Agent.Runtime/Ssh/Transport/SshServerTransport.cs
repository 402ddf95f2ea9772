using System.Net;
using System.Text;
using System.Threading.Channels;
using Agent.Runtime.Ssh.Wire;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Ssh.Transport;

/// <summary>
/// The server side of the SSH transport layer (RFC 4253) over any stream: version exchange, KEXINIT negotiation, key
/// exchange signed by the host key, NEWKEYS, strict key exchange (the Terrapin fix), <c>ext-info</c> with
/// <c>server-sig-algs</c>, the <c>ssh-userauth</c> service request, then payloads both ways with re-keys (the client's
/// at any time, ours after <see cref="SshServerOptions.RekeyBytes"/> or <see cref="SshServerOptions.RekeyInterval"/>)
/// handled underneath. A background loop reads the stream; a protocol violation sends DISCONNECT, is logged, and
/// surfaces as <see cref="SshProtocolException"/>. The transport owns the stream.
/// </summary>
public sealed class SshServerTransport : ISshConnectionTransport
{
    /// <summary>The largest payload sent or received (the client's channel limits usually keep packets far smaller).</summary>
    public const int MaxPayloadLength = 256 * 1024;

    /// <summary>The largest <c>packet_length</c> accepted: the payload, the padding length byte, padding and alignment.</summary>
    public const int MaxPacketLength = MaxPayloadLength + 1 + 255 + 16;

    /// <summary>Client-initiated re-keys allowed before authentication; one more ends the connection.</summary>
    private const int MaxRekeysBeforeAuthentication = 1;
    private const string UserAuthService = "ssh-userauth";

    private static readonly TimeSpan DisconnectWriteTimeout = TimeSpan.FromSeconds(2);

    private readonly Stream _stream;
    private readonly SshServerOptions _options;
    private readonly ILogger _logger;
    private readonly string _serverVersion;
    private readonly PacketReader _reader;
    private readonly TransportWriter _writer;
    private readonly CancellationTokenSource _lifetime = new();
    private readonly Channel<ReadOnlyMemory<byte>> _inbound;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _deadlineGate = new();
    private readonly KeyExchanger _kex;

    private Task _readLoop = Task.CompletedTask;
    private ITimer? _deadline;
    private int _closing;
    private SshProtocolException? _failure;
    private bool _serviceAccepted;
    private Action? _onAuthenticated;

    private SshServerTransport(Stream stream, EndPoint? localEndPoint, EndPoint? remoteEndPoint, SshServerOptions options, ILogger logger)
    {
        _stream = stream;
        _options = options;
        _logger = logger;
        LocalEndPoint = localEndPoint;
        RemoteEndPoint = remoteEndPoint;
        _serverVersion = "SSH-2.0-" + options.SoftwareVersion;
        _reader = new PacketReader(stream);
        _writer = new TransportWriter(stream, _lifetime.Token);
        _inbound = Channel.CreateBounded<ReadOnlyMemory<byte>>(new BoundedChannelOptions(options.ReceiveQueueCapacity)
        {
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _kex = new KeyExchanger(options, _serverVersion, _writer, _reader, logger, remoteEndPoint);
    }

    public ReadOnlyMemory<byte> SessionId => _kex.State.SessionId ?? throw new InvalidOperationException("no key exchange has completed");

    public string ClientVersion => _kex.ClientVersion;

    /// <summary>Our identification line, e.g. <c>SSH-2.0-Agent_0.1.0</c>.</summary>
    public string ServerVersion => _serverVersion;

    public EndPoint? RemoteEndPoint { get; }

    public EndPoint? LocalEndPoint { get; }

    /// <summary>The algorithms of the latest completed key exchange, e.g. for logs.</summary>
    public string? NegotiatedSummary => _kex.NegotiatedSummary;

    /// <summary>Accepts a connection on <paramref name="stream"/> with no known addresses.</summary>
    public static Task<SshServerTransport> AcceptAsync(Stream stream, SshServerOptions options, ILogger logger, CancellationToken cancellationToken)
        => AcceptAsync(stream, null, null, options, logger, cancellationToken);

    /// <summary>
    /// Runs the version exchange, the first key exchange and the <c>ssh-userauth</c> service request, and returns the
    /// transport ready for the authentication layer. On failure the stream is closed and the exception thrown
    /// (<see cref="SshProtocolException"/> for anything the client did or failed to do in time).
    /// </summary>
    public static async Task<SshServerTransport> AcceptAsync(
        Stream stream,
        EndPoint? localEndPoint,
        EndPoint? remoteEndPoint,
        SshServerOptions options,
        ILogger logger,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        options.Validate();
        var transport = new SshServerTransport(stream, localEndPoint, remoteEndPoint, options, logger);
        try
        {
            await transport.HandshakeAsync(cancellationToken).ConfigureAwait(false);
            return transport;
        }
        catch
        {
            await transport.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Moves the authentication deadline to <paramref name="timeout"/> from now, or removes it (<c>null</c>). It
    /// starts at accept with <see cref="SshServerOptions.PreAuthenticationTimeout"/> and stays armed after the service
    /// request until <see cref="CompleteAuthentication"/>. When it passes, the connection is disconnected.
    /// </summary>
    public void SetAuthenticationDeadline(TimeSpan? timeout)
    {
        lock (_deadlineGate)
        {
            _deadline?.Dispose();
            _deadline = timeout is { } due
                ? _options.TimeProvider.CreateTimer(static state => ((SshServerTransport)state!).OnDeadline(), this, due, Timeout.InfiniteTimeSpan)
                : null;
        }
    }

    /// <summary>
    /// Tells the transport that user authentication succeeded: removes the authentication deadline and allows our
    /// own re-keys (by bytes or time), which OpenSSH clients refuse during authentication. The client's re-keys are
    /// served at any time.
    /// </summary>
    public void CompleteAuthentication()
    {
        SetAuthenticationDeadline(null);
        _kex.State.Authenticated = true;
        Interlocked.Exchange(ref _onAuthenticated, null)?.Invoke();
    }

    /// <summary>Runs <paramref name="callback"/> once, inside <see cref="CompleteAuthentication"/> (e.g. to move an admission slot).</summary>
    public void OnAuthenticated(Action callback) => Volatile.Write(ref _onAuthenticated, callback);

    public async ValueTask<ReadOnlyMemory<byte>?> ReceiveAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_inbound.Reader.TryRead(out var payload))
                return payload;
            if (!await _inbound.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (_failure is { } failure)
                    throw new SshProtocolException(failure.Reason, failure.Message);
                return null;
            }
        }
    }

    /// <summary>Returns a received payload's pooled buffer (see <see cref="ISshConnectionTransport.Release"/>).</summary>
    public void Release(ReadOnlyMemory<byte> payload) => ReceivedPayloadPool.Return(payload);

    /// <summary>
    /// Sends one payload (<see cref="MaxPayloadLength"/> at most; not a key exchange or DISCONNECT message). Waits
    /// while a key exchange is in progress. Throws <see cref="SshProtocolException"/> once the connection has closed.
    /// </summary>
    public async ValueTask SendAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        if (payload.IsEmpty || payload.Length > MaxPayloadLength)
            throw new ArgumentException($"a payload must have 1 to {MaxPayloadLength} bytes", nameof(payload));
        var number = payload.Span[0];
        if (number is 0 or (byte)MessageNumber.Disconnect or (>= 5 and < 50))
            throw new ArgumentException($"message {number} belongs to the transport layer", nameof(payload));
        while (true)
        {
            ThrowIfClosed();
            await _kex.State.Gate.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            await _writer.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                ThrowIfClosed();
                if (_kex.State.InProgress)
                    continue;
                await WriteLockedAsync(payload).ConfigureAwait(false);
                if (_kex.RekeyDue(_writer.BytesSinceKeyChange))
                    await _kex.BeginLockedAsync().ConfigureAwait(false);
                return;
            }
            finally
            {
                _writer.Release();
            }
        }
    }

    public async ValueTask DisconnectAsync(DisconnectReason reason, string description)
    {
        if (Interlocked.Exchange(ref _closing, 1) != 0)
            return;
        _logger.Disconnecting(RemoteEndPoint, reason, description);
        await SendDisconnectAndCloseAsync(reason, description).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await DisconnectAsync(DisconnectReason.ByApplication, "closing").ConfigureAwait(false);
        try
        {
            await _readLoop.ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
        {
            _logger.ReadLoopEnded(e, RemoteEndPoint);
        }

        SetAuthenticationDeadline(null);
        _reader.Dispose();
        await _writer.UnderLockAsync(
            () =>
            {
                _kex.State.PendingReceiveProtection?.Dispose();
                _kex.State.PendingReceiveProtection = null;
                return ValueTask.CompletedTask;
            },
            CancellationToken.None).ConfigureAwait(false);
        await _writer.DisposeAsync().ConfigureAwait(false);

        _lifetime.Dispose();
    }

    private async Task HandshakeAsync(CancellationToken cancellationToken)
    {
        SetAuthenticationDeadline(_options.PreAuthenticationTimeout);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _lifetime.Token);
        try
        {
            // As sshd: our line, the client's, then KEXINIT, so a peer that is no SSH client reads two lines of text.
            await _writer.UnderLockAsync(() => _writer.Packets.WriteRawAsync(Encoding.ASCII.GetBytes(_serverVersion + "\r\n"), linked.Token), linked.Token).ConfigureAwait(false);
            _kex.ClientVersion = await ClientIdentification.ReadAsync(_reader, RefuseIdentificationAsync, linked.Token).ConfigureAwait(false);
            await _writer.UnderLockAsync(_kex.BeginLockedAsync, linked.Token).ConfigureAwait(false);
            _readLoop = Task.Run(ReadLoopAsync, CancellationToken.None);
            await _ready.Task.WaitAsync(linked.Token).ConfigureAwait(false);
            _logger.Connected(RemoteEndPoint, ClientVersion, NegotiatedSummary);
        }
        catch (SshProtocolException e)
        {
            await FailAsync(e).ConfigureAwait(false);
            throw _failure ?? e;
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw _failure ?? new SshProtocolException(DisconnectReason.ConnectionLost, "the connection closed during the handshake: " + e.Message);
        }
    }

    /// <summary>Answers a refused identification line as sshd does (a plain line, no DISCONNECT packet), closes, and returns the failure.</summary>
    private async Task<SshProtocolException> RefuseIdentificationAsync(ClientIdentification.Refusal refusal)
    {
        var failure = new SshProtocolException(refusal.Reason, refusal.Why);
        if (Interlocked.Exchange(ref _closing, 1) != 0)
            return _failure ?? failure;
        _failure = failure;
        _logger.IdentificationRefused(RemoteEndPoint, refusal.Why, refusal.Reply);
        await WriteLastAndCloseAsync((packets, token) => packets.WriteRawAsync(Encoding.ASCII.GetBytes(refusal.Reply + "\r\n"), token), "the refusal").ConfigureAwait(false);
        return failure;
    }

    private async Task ReadLoopAsync()
    {
        var token = _lifetime.Token;
        try
        {
            while (true)
            {
                var packet = await _reader.ReadPacketAsync(token).ConfigureAwait(false);
                if (packet is null)
                {
                    OnPeerClosed("the client closed the connection");
                    return;
                }

                if (!await DispatchAsync(packet.Value, token).ConfigureAwait(false))
                    return;
                if (_kex.State.Idle && _kex.RekeyDue(_reader.BytesSinceKeyChange))
                    await _kex.StartAsync(token).ConfigureAwait(false);
            }
        }
        catch (SshProtocolException e)
        {
            await FailAsync(e).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException or ChannelClosedException)
        {
            OnPeerClosed(Volatile.Read(ref _closing) != 0 ? "closed" : "the connection broke: " + e.Message);
        }
#pragma warning disable CA1031 // The read loop is the connection's last stop: any fault ends this one connection, never the process.
        catch (Exception e)
#pragma warning restore CA1031
        {
            _logger.UnexpectedFailure(e, RemoteEndPoint);
            await FailAsync(new SshProtocolException(DisconnectReason.ProtocolError, "internal error: " + e.GetType().Name)).ConfigureAwait(false);
        }
    }

    /// <summary>Handles one packet; false when the connection ended.</summary>
    private async ValueTask<bool> DispatchAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var number = (MessageNumber)payload.Span[0];
        var kex = _kex.State;
        var initialKex = !kex.InitialDone;
        if (initialKex && kex.ClientKexInit is null && number != MessageNumber.KexInit)
            kex.PacketsBeforeFirstKexInit++;
        var inKex = kex.ClientKexInit is not null;
        if (kex.IgnoreGuessedPacket && inKex && number is >= (MessageNumber)30 and <= (MessageNumber)49)
        {
            kex.IgnoreGuessedPacket = false;
            _logger.GuessedPacketIgnored(RemoteEndPoint, (byte)number);
            return true;
        }

        switch (number)
        {
            case MessageNumber.Disconnect:
                OnPeerDisconnected(payload.Span);
                return false;
            case MessageNumber.Ignore or MessageNumber.Debug or MessageNumber.Unimplemented:
                if (kex.Strict && initialKex)
                    throw new SshProtocolException(DisconnectReason.ProtocolError, $"message {(byte)number} during the initial key exchange in strict mode");
                if (number == MessageNumber.Unimplemented)
                    _logger.PeerUnimplemented(RemoteEndPoint);
                return true;
            case MessageNumber.KexInit:
                if (inKex)
                    throw new SshProtocolException(DisconnectReason.ProtocolError, "a second KEXINIT during a key exchange");
                if (kex.SessionId is not null && !kex.Authenticated && ++kex.RekeysBeforeAuthentication > MaxRekeysBeforeAuthentication)
                    throw new SshProtocolException(DisconnectReason.ProtocolError, $"more than {MaxRekeysBeforeAuthentication} re-key before authentication");
                await _kex.OnClientKexInitAsync(payload, cancellationToken).ConfigureAwait(false);
                return true;
            case MessageNumber.KexEcdhInit:
                if (!inKex || kex.Negotiated is null || kex.PendingReceiveProtection is not null)
                    throw new SshProtocolException(DisconnectReason.ProtocolError, "an unexpected KEX_ECDH_INIT");
                await _kex.OnKexEcdhInitAsync(payload, cancellationToken).ConfigureAwait(false);
                return true;
            case MessageNumber.NewKeys:
                if (kex.PendingReceiveProtection is null)
                    throw new SshProtocolException(DisconnectReason.ProtocolError, "an unexpected NEWKEYS");
                _kex.OnClientNewKeys(payload.Span);
                return true;
        }

        if (inKex || initialKex)
            throw new SshProtocolException(DisconnectReason.ProtocolError, $"message {(byte)number} during a key exchange");
        switch (number)
        {
            case MessageNumber.ServiceRequest:
                await OnServiceRequestAsync(payload, cancellationToken).ConfigureAwait(false);
                return true;
            case MessageNumber.ExtInfo:
                return true;
        }

        if ((byte)number < 50)
        {
            var sequence = _reader.LastSequence;
            await _writer.SendNowAsync(TransportMessages.Unimplemented(sequence), cancellationToken).ConfigureAwait(false);
            return true;
        }

        if (!_serviceAccepted)
            throw new SshProtocolException(DisconnectReason.ProtocolError, $"message {(byte)number} before the service request");

        // A pooled copy (the reader's buffer holds the next packet): the caller owns it and hands it back with Release.
        await _inbound.Writer.WriteAsync(ReceivedPayloadPool.Copy(payload.Span), cancellationToken).ConfigureAwait(false);
        return true;
    }

    private async ValueTask OnServiceRequestAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var service = TransportMessages.ReadServiceRequest(payload.Span);
        if (_serviceAccepted || service != UserAuthService)
            throw new SshProtocolException(DisconnectReason.ServiceNotAvailable, $"service '{service}' is not available");
        await _writer.SendNowAsync(TransportMessages.ServiceAccept(UserAuthService), cancellationToken).ConfigureAwait(false);
        _serviceAccepted = true;
        _ready.TrySetResult();
    }

    private async ValueTask WriteLockedAsync(ReadOnlyMemory<byte> payload)
    {
        try
        {
            await _writer.Packets.WritePacketAsync(payload, _writer.Lifetime).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException)
        {
            OnPeerClosed("the connection broke while sending: " + e.Message);
            throw new SshProtocolException(DisconnectReason.ConnectionLost, "the connection closed: " + e.Message);
        }
    }

    private void ThrowIfClosed()
    {
        if (Volatile.Read(ref _closing) != 0)
            throw _failure is { } failure ? new SshProtocolException(failure.Reason, failure.Message) : new SshProtocolException(DisconnectReason.ConnectionLost, "the connection is closed");
    }

    private void OnDeadline()
    {
        _ = FailAsync(new SshProtocolException(DisconnectReason.ByApplication, "authentication deadline passed"));
    }

    private void OnPeerDisconnected(ReadOnlySpan<byte> payload)
    {
        var (reason, description) = (DisconnectReason.ByApplication, "(malformed DISCONNECT)");
        try
        {
            (reason, description) = TransportMessages.ReadDisconnect(payload);
        }
        catch (SshProtocolException)
        {
            // Logged as malformed; the client is gone either way.
        }

        _logger.PeerDisconnected(RemoteEndPoint, reason, description);
        OnPeerClosed("the client disconnected");
    }

    private void OnPeerClosed(string why)
    {
        var first = Interlocked.Exchange(ref _closing, 1) == 0;
        if (first)
            _logger.PeerClosed(RemoteEndPoint, why);
        _ready.TrySetException(new SshProtocolException(DisconnectReason.ConnectionLost, why));
        CloseStream();
    }

    private async Task FailAsync(SshProtocolException exception)
    {
        if (Interlocked.Exchange(ref _closing, 1) != 0)
            return;
        _failure = exception;
        _logger.ConnectionFailed(RemoteEndPoint, ClientVersion, exception.Message, exception.Reason);
        _ready.TrySetException(exception);
        await SendDisconnectAndCloseAsync(exception.Reason, exception.Message).ConfigureAwait(false);
    }

    private Task SendDisconnectAndCloseAsync(DisconnectReason reason, string description)
        => WriteLastAndCloseAsync(
            (packets, token) => packets.WritePacketAsync(TransportMessages.Disconnect(reason, description), token),
            "DISCONNECT");

    // The last write of a connection, then the close: skipped when the write lock stays busy, bounded in time.
    private async Task WriteLastAndCloseAsync(Func<PacketWriter, CancellationToken, ValueTask> write, string what)
    {
        try
        {
            await _writer.WriteLastAsync(write, DisconnectWriteTimeout).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException or NotSupportedException)
        {
            _logger.LastWriteSkipped(RemoteEndPoint, what, e.Message);
        }
        finally
        {
            CloseStream();
        }
    }

    private void CloseStream()
    {
        _inbound.Writer.TryComplete();
        _ready.TrySetException(_failure ?? new SshProtocolException(DisconnectReason.ConnectionLost, "the connection closed"));
        try
        {
            _lifetime.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already disposed: the connection is closed anyway.
        }

        _kex.State.Release();
        _stream.Dispose();
    }
}
