using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;
using Agent.Runtime.Ssh.Algorithms.Ciphers;
using Agent.Runtime.Ssh.Keys;
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
    private const string StrictClient = "kex-strict-c-v00@openssh.com";
    private const string StrictServer = "kex-strict-s-v00@openssh.com";
    private const string ExtInfoClient = "ext-info-c";
    private const string ExtInfoServer = "ext-info-s";
    private const string UserAuthService = "ssh-userauth";

    // What userauth verifies (as sshd, the certificate algorithms too).
    private static readonly string[] ServerSignatureAlgorithms = [.. Keys.SshPublicKey.SignatureAlgorithms, .. Keys.SshCertificate.SignatureAlgorithms];

    private static readonly TimeSpan DisconnectWriteTimeout = TimeSpan.FromSeconds(2);

    private readonly Stream _stream;
    private readonly SshServerOptions _options;
    private readonly ILogger _logger;
    private readonly string _serverVersion;
    private readonly PacketReader _reader;
    private readonly PacketWriter _writer;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly CancellationTokenSource _lifetime = new();
    private readonly Channel<ReadOnlyMemory<byte>> _inbound;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _deadlineGate = new();

    private Task _readLoop = Task.CompletedTask;
    private ITimer? _deadline;
    private int _closing;
    private SshProtocolException? _failure;
    private byte[]? _sessionId;
    private bool _strict;
    private bool _clientWantsExtInfo;
    private bool _serviceAccepted;
    private bool _initialKexDone;
    private bool _authenticated;
    private Action? _onAuthenticated;
    private int _rekeysBeforeAuthentication;
    private int _packetsBeforeFirstKexInit;
    private long _lastKexTimestamp;

    // Key exchange state. The send side (_kexInProgress, _kexGate, _serverKexInit) changes under _writeLock only.
    private bool _kexInProgress;
    private TaskCompletionSource _kexGate = NewCompletedGate();
    private KexInitMessage? _serverKexInit;
    private KexInitMessage? _clientKexInit;
    private NegotiatedAlgorithms? _negotiated;
    private IPacketProtection? _pendingReceiveProtection;
    private bool _ignoreGuessedPacket;

    private SshServerTransport(Stream stream, EndPoint? localEndPoint, EndPoint? remoteEndPoint, SshServerOptions options, ILogger logger)
    {
        _stream = stream;
        _options = options;
        _logger = logger;
        LocalEndPoint = localEndPoint;
        RemoteEndPoint = remoteEndPoint;
        _serverVersion = "SSH-2.0-" + options.SoftwareVersion;
        _reader = new PacketReader(stream);
        _writer = new PacketWriter(stream);
        _inbound = Channel.CreateBounded<ReadOnlyMemory<byte>>(new BoundedChannelOptions(options.ReceiveQueueCapacity)
        {
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _lastKexTimestamp = options.TimeProvider.GetTimestamp();
    }

    public ReadOnlyMemory<byte> SessionId => _sessionId ?? throw new InvalidOperationException("no key exchange has completed");

    public string ClientVersion { get; private set; } = string.Empty;

    /// <summary>Our identification line, e.g. <c>SSH-2.0-Agent_0.1.0</c>.</summary>
    public string ServerVersion => _serverVersion;

    public EndPoint? RemoteEndPoint { get; }

    public EndPoint? LocalEndPoint { get; }

    /// <summary>The algorithms of the latest completed key exchange, e.g. for logs.</summary>
    public string? NegotiatedSummary { get; private set; }

    /// <summary>Accepts a connection on <paramref name="stream"/> with no known addresses.</summary>
    public static Task<SshServerTransport> AcceptAsync(Stream stream, SshServerOptions options, ILogger logger, CancellationToken cancellationToken)
        => AcceptAsync(stream, null, null, options, logger, cancellationToken);

    /// <summary>
    /// Accepts an accepted TCP socket: no Nagle delay, large socket buffers, and its addresses for
    /// <c>SSH_CLIENT</c>/<c>SSH_CONNECTION</c>.
    /// </summary>
    public static Task<SshServerTransport> AcceptAsync(Socket socket, SshServerOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentNullException.ThrowIfNull(options);
        socket.NoDelay = true;
        socket.SendBufferSize = options.SocketBufferSize;
        socket.ReceiveBufferSize = options.SocketBufferSize;
        return AcceptAsync(new NetworkStream(socket, ownsSocket: true), socket.LocalEndPoint, socket.RemoteEndPoint, options, logger, cancellationToken);
    }

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
        Volatile.Write(ref _authenticated, true);
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
    public void Release(ReadOnlyMemory<byte> payload)
    {
        if (MemoryMarshal.TryGetArray(payload, out var segment) && segment.Array is { } array)
            ReceivedPayloadPool.Return(array);
    }

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
            await _kexGate.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                ThrowIfClosed();
                if (_kexInProgress)
                    continue;
                await WriteLockedAsync(payload).ConfigureAwait(false);
                if (RekeyDue(_writer.BytesSinceKeyChange))
                    await BeginKeyExchangeLockedAsync().ConfigureAwait(false);
                return;
            }
            finally
            {
                _writeLock.Release();
            }
        }
    }

    public async ValueTask DisconnectAsync(DisconnectReason reason, string description)
    {
        if (Interlocked.Exchange(ref _closing, 1) != 0)
            return;
        _logger.LogInformation("SSH connection {Remote}: disconnecting ({Reason}: {Description})", RemoteEndPoint, reason, description);
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
            _logger.LogDebug(e, "SSH connection {Remote}: read loop ended", RemoteEndPoint);
        }

        SetAuthenticationDeadline(null);
        _reader.Dispose();
        await _writeLock.WaitAsync().ConfigureAwait(false);
        try
        {
            _writer.Dispose();
            _pendingReceiveProtection?.Dispose();
            _pendingReceiveProtection = null;
        }
        finally
        {
            _writeLock.Release();
        }

        _lifetime.Dispose();
    }

    private static TaskCompletionSource NewCompletedGate()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        gate.SetResult();
        return gate;
    }

    private static byte[] Encode(Action<SshWriter> build)
    {
        var writer = new SshWriter();
        build(writer);
        return writer.ToArray();
    }

    private async Task HandshakeAsync(CancellationToken cancellationToken)
    {
        SetAuthenticationDeadline(_options.PreAuthenticationTimeout);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _lifetime.Token);
        try
        {
            // As sshd: our line, the client's, then KEXINIT, so a peer that is no SSH client reads two lines of text.
            await UnderWriteLockAsync(() => _writer.WriteRawAsync(Encoding.ASCII.GetBytes(_serverVersion + "\r\n"), linked.Token), linked.Token).ConfigureAwait(false);
            ClientVersion = await ReadClientVersionAsync(linked.Token).ConfigureAwait(false);
            await UnderWriteLockAsync(BeginKeyExchangeLockedAsync, linked.Token).ConfigureAwait(false);
            _readLoop = Task.Run(ReadLoopAsync, CancellationToken.None);
            await _ready.Task.WaitAsync(linked.Token).ConfigureAwait(false);
            _logger.LogInformation("SSH connection {Remote}: {Client}; {Algorithms}", RemoteEndPoint, ClientVersion, NegotiatedSummary);
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

    private async Task<string> ReadClientVersionAsync(CancellationToken cancellationToken)
    {
        string? line;
        try
        {
            line = await _reader.ReadLineAsync(ClientIdentification.MaxLength, cancellationToken).ConfigureAwait(false);
        }
        catch (SshProtocolException e)
        {
            throw await RefuseIdentificationAsync(ClientIdentification.Unreadable(e.Message)).ConfigureAwait(false);
        }

        if (line is null)
            throw new SshProtocolException(DisconnectReason.ConnectionLost, "the client closed the connection before its identification line");
        if (ClientIdentification.Judge(line) is { } refusal)
            throw await RefuseIdentificationAsync(refusal).ConfigureAwait(false);
        return line;
    }

    /// <summary>Answers a refused identification line as sshd does (a plain line, no DISCONNECT packet), closes, and returns the failure.</summary>
    private async Task<SshProtocolException> RefuseIdentificationAsync(ClientIdentification.Refusal refusal)
    {
        var failure = new SshProtocolException(refusal.Reason, refusal.Why);
        if (Interlocked.Exchange(ref _closing, 1) != 0)
            return _failure ?? failure;
        _failure = failure;
        _logger.IdentificationRefused(RemoteEndPoint, refusal.Why, refusal.Reply);
        await WriteLastAndCloseAsync(token => _writer.WriteRawAsync(Encoding.ASCII.GetBytes(refusal.Reply + "\r\n"), token), "the refusal").ConfigureAwait(false);
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
                if (_clientKexInit is null && _serverKexInit is null && RekeyDue(_reader.BytesSinceKeyChange))
                    await StartOurKeyExchangeAsync(token).ConfigureAwait(false);
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
            _logger.LogError(e, "SSH connection {Remote}: unexpected failure", RemoteEndPoint);
            await FailAsync(new SshProtocolException(DisconnectReason.ProtocolError, "internal error: " + e.GetType().Name)).ConfigureAwait(false);
        }
    }

    /// <summary>Handles one packet; false when the connection ended.</summary>
    private async ValueTask<bool> DispatchAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var number = (MessageNumber)payload.Span[0];
        var initialKex = !_initialKexDone;
        if (initialKex && _clientKexInit is null && number != MessageNumber.KexInit)
            _packetsBeforeFirstKexInit++;
        var inKex = _clientKexInit is not null;
        if (_ignoreGuessedPacket && inKex && number is >= (MessageNumber)30 and <= (MessageNumber)49)
        {
            _ignoreGuessedPacket = false;
            _logger.GuessedPacketIgnored(RemoteEndPoint, (byte)number);
            return true;
        }

        switch (number)
        {
            case MessageNumber.Disconnect:
                OnPeerDisconnected(payload.Span);
                return false;
            case MessageNumber.Ignore or MessageNumber.Debug or MessageNumber.Unimplemented:
                if (_strict && initialKex)
                    throw new SshProtocolException(DisconnectReason.ProtocolError, $"message {(byte)number} during the initial key exchange in strict mode");
                if (number == MessageNumber.Unimplemented)
                    _logger.LogDebug("SSH connection {Remote}: the client did not implement one of our messages", RemoteEndPoint);
                return true;
            case MessageNumber.KexInit:
                if (inKex)
                    throw new SshProtocolException(DisconnectReason.ProtocolError, "a second KEXINIT during a key exchange");
                if (_sessionId is not null && !Volatile.Read(ref _authenticated) && ++_rekeysBeforeAuthentication > MaxRekeysBeforeAuthentication)
                    throw new SshProtocolException(DisconnectReason.ProtocolError, $"more than {MaxRekeysBeforeAuthentication} re-key before authentication");
                await OnClientKexInitAsync(payload, cancellationToken).ConfigureAwait(false);
                return true;
            case MessageNumber.KexEcdhInit:
                if (!inKex || _negotiated is null || _pendingReceiveProtection is not null)
                    throw new SshProtocolException(DisconnectReason.ProtocolError, "an unexpected KEX_ECDH_INIT");
                await OnKexEcdhInitAsync(payload, cancellationToken).ConfigureAwait(false);
                return true;
            case MessageNumber.NewKeys:
                if (_pendingReceiveProtection is null)
                    throw new SshProtocolException(DisconnectReason.ProtocolError, "an unexpected NEWKEYS");
                OnClientNewKeys(payload.Span);
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
            await SendTransportAsync(Encode(w => w.Write(MessageNumber.Unimplemented).WriteUInt32(sequence)), cancellationToken).ConfigureAwait(false);
            return true;
        }

        if (!_serviceAccepted)
            throw new SshProtocolException(DisconnectReason.ProtocolError, $"message {(byte)number} before the service request");

        // A pooled copy (the reader's buffer holds the next packet): the caller owns it and hands it back with Release.
        var owned = ReceivedPayloadPool.Rent(payload.Length);
        payload.CopyTo(owned);
        await _inbound.Writer.WriteAsync(owned.AsMemory(0, payload.Length), cancellationToken).ConfigureAwait(false);
        return true;
    }

    private async ValueTask OnServiceRequestAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var reader = new SshReader(payload.Span[1..]);
        var service = reader.ReadString();
        reader.EnsureEnd("SERVICE_REQUEST");
        if (_serviceAccepted || service != UserAuthService)
            throw new SshProtocolException(DisconnectReason.ServiceNotAvailable, $"service '{service}' is not available");
        await SendTransportAsync(Encode(w => w.Write(MessageNumber.ServiceAccept).WriteString(UserAuthService)), cancellationToken).ConfigureAwait(false);
        _serviceAccepted = true;
        _ready.TrySetResult();
    }

    private async ValueTask OnClientKexInitAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var client = KexInitMessage.Parse(payload.Span);
        if (_sessionId is null)
        {
            _strict = client.KeyExchange.Contains(StrictClient);
            _clientWantsExtInfo = client.KeyExchange.Contains(ExtInfoClient);
            if (_strict && _packetsBeforeFirstKexInit > 0)
                throw new SshProtocolException(DisconnectReason.ProtocolError, "strict key exchange: KEXINIT was not the client's first packet");
        }

        KexInitMessage server;
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_serverKexInit is null)
                await BeginKeyExchangeLockedAsync().ConfigureAwait(false);
            server = _serverKexInit!;
        }
        finally
        {
            _writeLock.Release();
        }

        _clientKexInit = client;
        _negotiated = NegotiatedAlgorithms.Negotiate(client, server);
        _ignoreGuessedPacket = FirstKexPacketGuess.MustIgnore(client, server);
    }

    private async ValueTask OnKexEcdhInitAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var negotiated = _negotiated!;
        var reader = new SshReader(payload.Span[1..]);
        var clientValue = reader.ReadBinary().ToArray();
        reader.EnsureEnd("KEX_ECDH_INIT");
        var method = _options.KeyExchangeAlgorithms.First(k => k.Name == negotiated.KeyExchange).Create();
        var result = method.Respond(clientValue);
        var hostKey = FindHostKey(negotiated.HostKey);
        var hostKeyBlob = hostKey.PublicKeyBlob.Span;
        var hash = KeyDerivation.ExchangeHash(
            method.Hash,
            ClientVersion,
            _serverVersion,
            _clientKexInit!.Payload,
            _serverKexInit!.Payload,
            hostKeyBlob,
            clientValue,
            result.ServerValue,
            result.EncodedSharedSecret);
        var first = _sessionId is null;
        var sessionId = _sessionId ?? hash;
        var signature = hostKey.Sign(negotiated.HostKey, hash);
        var reply = Encode(w => w.Write(MessageNumber.KexEcdhReply).WriteBinary(hostKey.PublicKeyBlob.Span).WriteBinary(result.ServerValue).WriteBinary(signature));

        byte[] Derive(char letter, int length) => KeyDerivation.Derive(method.Hash, result.EncodedSharedSecret, hash, letter, sessionId, length);
        var sendProtection = PacketProtectionFactory.Create(
            negotiated.CipherServerToClient,
            negotiated.MacServerToClient,
            Derive('D', PacketProtectionFactory.KeyLength(negotiated.CipherServerToClient)),
            Derive('B', PacketProtectionFactory.IvLength(negotiated.CipherServerToClient)),
            Derive('F', PacketProtectionFactory.MacKeyLength(negotiated.CipherServerToClient, negotiated.MacServerToClient)));
        _pendingReceiveProtection = PacketProtectionFactory.Create(
            negotiated.CipherClientToServer,
            negotiated.MacClientToServer,
            Derive('C', PacketProtectionFactory.KeyLength(negotiated.CipherClientToServer)),
            Derive('A', PacketProtectionFactory.IvLength(negotiated.CipherClientToServer)),
            Derive('E', PacketProtectionFactory.MacKeyLength(negotiated.CipherClientToServer, negotiated.MacClientToServer)));
        CryptographicOperations.ZeroMemory(result.EncodedSharedSecret);
        _sessionId = sessionId;

        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _writer.WritePacketAsync(reply, cancellationToken).ConfigureAwait(false);
            await _writer.WritePacketAsync(new[] { (byte)MessageNumber.NewKeys }, cancellationToken).ConfigureAwait(false);
            _writer.SetProtection(sendProtection);
            if (_strict)
                _writer.Sequence = 0;
            if (first && _clientWantsExtInfo)
            {
                var extInfo = Encode(w => w.Write(MessageNumber.ExtInfo).WriteUInt32(1).WriteString("server-sig-algs").WriteNameList(ServerSignatureAlgorithms));
                await _writer.WritePacketAsync(extInfo, cancellationToken).ConfigureAwait(false);
            }

            _serverKexInit = null;
            _kexInProgress = false;
            _kexGate.TrySetResult();
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private void OnClientNewKeys(ReadOnlySpan<byte> payload)
    {
        if (payload.Length != 1)
            throw new SshProtocolException(DisconnectReason.ProtocolError, "NEWKEYS carries unexpected bytes");
        _reader.SetProtection(_pendingReceiveProtection!);
        _pendingReceiveProtection = null;
        _initialKexDone = true;
        if (_strict)
            _reader.Sequence = 0;
        var negotiated = _negotiated!;
        NegotiatedSummary = $"kex {negotiated.KeyExchange}, host key {negotiated.HostKey}, cipher {negotiated.CipherClientToServer}/{negotiated.CipherServerToClient}, "
            + $"MAC {negotiated.MacClientToServer ?? "<implicit>"}/{negotiated.MacServerToClient ?? "<implicit>"}{(_strict ? ", strict" : string.Empty)}";
        _logger.LogDebug("SSH connection {Remote}: key exchange done ({Algorithms})", RemoteEndPoint, NegotiatedSummary);
        _clientKexInit = null;
        _negotiated = null;
        _ignoreGuessedPacket = false;
        Volatile.Write(ref _lastKexTimestamp, _options.TimeProvider.GetTimestamp());
    }

    private IHostKey FindHostKey(string algorithm)
        => _options.HostKeys.FirstOrDefault(k => k.SignatureAlgorithms.Contains(algorithm))
            ?? throw new SshProtocolException(DisconnectReason.KeyExchangeFailed, $"no host key for {algorithm}");

    /// <summary>Sends our KEXINIT and closes the send gate. Call with <see cref="_writeLock"/> held.</summary>
    private async ValueTask BeginKeyExchangeLockedAsync()
    {
        if (_kexInProgress)
            return;
        var kex = _options.KeyExchangeAlgorithms.Select(k => k.Name).ToList();
        if (_sessionId is null)
        {
            kex.Add(ExtInfoServer);
            kex.Add(StrictServer);
        }
        else if (_strict)
        {
            kex.Add(StrictServer);
        }

        var hostKeys = _options.HostKeys.SelectMany(k => k.SignatureAlgorithms).Distinct().ToList();
        var message = KexInitMessage.Create(kex, hostKeys, _options.Ciphers, _options.Macs);
        _kexGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _kexInProgress = true;
        _serverKexInit = message;
        await _writer.WritePacketAsync(message.Payload, _lifetime.Token).ConfigureAwait(false);
    }

    private ValueTask StartOurKeyExchangeAsync(CancellationToken cancellationToken)
    {
        _logger.LogDebug("SSH connection {Remote}: re-keying", RemoteEndPoint);
        return UnderWriteLockAsync(BeginKeyExchangeLockedAsync, cancellationToken);
    }

    /// <summary>Whether we should start a re-key: only after authentication, by bytes in one direction or by time.</summary>
    private bool RekeyDue(long bytesSinceKeyChange)
        => Volatile.Read(ref _authenticated)
            && (bytesSinceKeyChange >= _options.RekeyBytes || _options.TimeProvider.GetElapsedTime(Volatile.Read(ref _lastKexTimestamp)) >= _options.RekeyInterval);

    /// <summary>Sends a transport message at once (also during a key exchange).</summary>
    private ValueTask SendTransportAsync(byte[] payload, CancellationToken cancellationToken)
        => UnderWriteLockAsync(() => _writer.WritePacketAsync(payload, _lifetime.Token), cancellationToken);

    private async ValueTask UnderWriteLockAsync(Func<ValueTask> write, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await write().ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async ValueTask WriteLockedAsync(ReadOnlyMemory<byte> payload)
    {
        try
        {
            await _writer.WritePacketAsync(payload, _lifetime.Token).ConfigureAwait(false);
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
        var reason = DisconnectReason.ByApplication;
        var description = string.Empty;
        try
        {
            var reader = new SshReader(payload[1..]);
            reason = (DisconnectReason)reader.ReadUInt32();
            description = reader.ReadString();
        }
        catch (SshProtocolException)
        {
            description = "(malformed DISCONNECT)";
        }

        _logger.LogInformation("SSH connection {Remote}: the client disconnected ({Reason}: {Description})", RemoteEndPoint, reason, description);
        OnPeerClosed("the client disconnected");
    }

    private void OnPeerClosed(string why)
    {
        var first = Interlocked.Exchange(ref _closing, 1) == 0;
        if (first)
            _logger.LogDebug("SSH connection {Remote}: {Why}", RemoteEndPoint, why);
        _ready.TrySetException(new SshProtocolException(DisconnectReason.ConnectionLost, why));
        CloseStream();
    }

    private async Task FailAsync(SshProtocolException exception)
    {
        if (Interlocked.Exchange(ref _closing, 1) != 0)
            return;
        _failure = exception;
        _logger.LogWarning("SSH connection {Remote} ({Client}): {Message}; disconnecting ({Reason})", RemoteEndPoint, ClientVersion, exception.Message, exception.Reason);
        _ready.TrySetException(exception);
        await SendDisconnectAndCloseAsync(exception.Reason, exception.Message).ConfigureAwait(false);
    }

    private Task SendDisconnectAndCloseAsync(DisconnectReason reason, string description)
        => WriteLastAndCloseAsync(
            token => _writer.WritePacketAsync(Encode(w => w.Write(MessageNumber.Disconnect).WriteUInt32((uint)reason).WriteString(description).WriteString(string.Empty)), token),
            "DISCONNECT");

    // The last write of a connection, then the close: skipped when the write lock stays busy, bounded in time.
    private async Task WriteLastAndCloseAsync(Func<CancellationToken, ValueTask> write, string what)
    {
        try
        {
            if (await _writeLock.WaitAsync(DisconnectWriteTimeout).ConfigureAwait(false))
            {
                try
                {
                    using var timeout = new CancellationTokenSource(DisconnectWriteTimeout);
                    await write(timeout.Token).ConfigureAwait(false);
                }
                finally
                {
                    _writeLock.Release();
                }
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException or NotSupportedException)
        {
            _logger.LogDebug("SSH connection {Remote}: {What} was not sent: {Error}", RemoteEndPoint, what, e.Message);
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

        _kexGate.TrySetResult();
        _stream.Dispose();
    }
}
