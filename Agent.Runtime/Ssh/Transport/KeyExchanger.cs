using System.Net;
using Agent.Runtime.Ssh.Wire;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Ssh.Transport;

/// <summary>
/// The key exchanges of one server connection (RFC 4253 §7): our KEXINIT, the client's, the algorithms agreed, the
/// ECDH reply and NEWKEYS each way, strict mode (the Terrapin fix) and <c>ext-info</c>; the client may start one at any
/// time, we start one after authentication by bytes or time. Where they stand is one <see cref="KeyExchangeState"/>.
/// </summary>
internal sealed class KeyExchanger
{
    private const string StrictClient = "kex-strict-c-v00@openssh.com";
    private const string StrictServer = "kex-strict-s-v00@openssh.com";
    private const string ExtInfoClient = "ext-info-c";
    private const string ExtInfoServer = "ext-info-s";

    // What userauth verifies (as sshd, the certificate algorithms too).
    private static readonly string[] ServerSignatureAlgorithms = [.. Keys.SshPublicKey.SignatureAlgorithms, .. Keys.SshCertificate.SignatureAlgorithms];

    private readonly SshServerOptions _options;
    private readonly string _serverVersion;
    private readonly TransportWriter _writer;
    private readonly PacketReader _reader;
    private readonly ILogger _logger;
    private readonly EndPoint? _remote;

    public KeyExchanger(SshServerOptions options, string serverVersion, TransportWriter writer, PacketReader reader, ILogger logger, EndPoint? remote)
    {
        _options = options;
        _serverVersion = serverVersion;
        _writer = writer;
        _reader = reader;
        _logger = logger;
        _remote = remote;
        State = new KeyExchangeState(options.TimeProvider.GetTimestamp());
    }

    public KeyExchangeState State { get; }

    /// <summary>The client's identification line (it enters the exchange hash).</summary>
    public string ClientVersion { get; set; } = string.Empty;

    /// <summary>The algorithms of the latest completed key exchange, e.g. for logs.</summary>
    public string? NegotiatedSummary { get; private set; }

    /// <summary>Whether we should start a re-key: only after authentication, by bytes in one direction or by time.</summary>
    public bool RekeyDue(long bytesSinceKeyChange)
        => State.Authenticated
            && (bytesSinceKeyChange >= _options.RekeyBytes || _options.TimeProvider.GetElapsedTime(State.LastCompleted) >= _options.RekeyInterval);

    /// <summary>Starts a re-key of ours.</summary>
    public ValueTask StartAsync(CancellationToken cancellationToken)
    {
        _logger.Rekeying(_remote);
        return _writer.UnderLockAsync(BeginLockedAsync, cancellationToken);
    }

    /// <summary>Sends our KEXINIT (RFC 4253 §7.1) and holds other sends back. Call with the writer's lock held.</summary>
    public async ValueTask BeginLockedAsync()
    {
        if (State.InProgress)
            return;
        var kex = _options.KeyExchangeAlgorithms.Select(k => k.Name).ToList();
        if (State.SessionId is null)
        {
            kex.Add(ExtInfoServer);
            kex.Add(StrictServer);
        }
        else if (State.Strict)
        {
            kex.Add(StrictServer);
        }

        var hostKeys = _options.HostKeys.SelectMany(k => k.SignatureAlgorithms).Distinct().ToList();
        var message = KexInitMessage.Create(kex, hostKeys, _options.Ciphers, _options.Macs);
        State.BeginSend(message);
        await _writer.Packets.WritePacketAsync(message.Payload, _writer.Lifetime).ConfigureAwait(false);
    }

    /// <summary>The client's KEXINIT: answers with ours unless it is out already, and agrees on the algorithms.</summary>
    public async ValueTask OnClientKexInitAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var client = KexInitMessage.Parse(payload.Span);
        if (State.SessionId is null)
        {
            State.Strict = client.KeyExchange.Contains(StrictClient);
            State.ClientWantsExtInfo = client.KeyExchange.Contains(ExtInfoClient);
            if (State.Strict && State.PacketsBeforeFirstKexInit > 0)
                throw new SshProtocolException(DisconnectReason.ProtocolError, "strict key exchange: KEXINIT was not the client's first packet");
        }

        KexInitMessage? server = null;
        await _writer.UnderLockAsync(
            async () =>
            {
                if (State.ServerKexInit is null)
                    await BeginLockedAsync().ConfigureAwait(false);
                server = State.ServerKexInit!;
            },
            cancellationToken).ConfigureAwait(false);
        State.BeginReceive(client, NegotiatedAlgorithms.Negotiate(client, server!), FirstKexPacketGuess.MustIgnore(client, server!));
    }

    /// <summary>
    /// The client's KEX_ECDH_INIT: our reply, NEWKEYS, the new send keys (sequence numbers reset in strict mode), and
    /// after the first exchange <c>ext-info</c> when the client asked for it (RFC 8308 §2.4).
    /// </summary>
    public async ValueTask OnKexEcdhInitAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var first = State.SessionId is null;
        var reply = ServerKeyExchange.Respond(
            _options, State.Negotiated!, ClientVersion, _serverVersion, State.ClientKexInit!, State.ServerKexInit!, payload.Span, State.SessionId);
        State.PendingReceiveProtection = reply.Receive;
        State.SessionId = reply.SessionId;
        await _writer.UnderLockAsync(
            async () =>
            {
                var packets = _writer.Packets;
                await packets.WritePacketAsync(reply.Payload, cancellationToken).ConfigureAwait(false);
                await packets.WritePacketAsync(TransportMessages.NewKeys(), cancellationToken).ConfigureAwait(false);
                packets.SetProtection(reply.Send);
                if (State.Strict)
                    packets.Sequence = 0;
                if (first && State.ClientWantsExtInfo)
                    await packets.WritePacketAsync(TransportMessages.ExtInfoServerSigAlgs(ServerSignatureAlgorithms), cancellationToken).ConfigureAwait(false);
                State.EndSend();
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The client's NEWKEYS (RFC 4253 §7.3): its packets come with the new keys from now on.</summary>
    public void OnClientNewKeys(ReadOnlySpan<byte> payload)
    {
        if (payload.Length != 1)
            throw new SshProtocolException(DisconnectReason.ProtocolError, "NEWKEYS carries unexpected bytes");
        _reader.SetProtection(State.PendingReceiveProtection!);
        State.PendingReceiveProtection = null;
        if (State.Strict)
            _reader.Sequence = 0;
        var negotiated = State.Negotiated!;
        NegotiatedSummary = $"kex {negotiated.KeyExchange}, host key {negotiated.HostKey}, cipher {negotiated.CipherClientToServer}/{negotiated.CipherServerToClient}, "
            + $"MAC {negotiated.MacClientToServer ?? "<implicit>"}/{negotiated.MacServerToClient ?? "<implicit>"}{(State.Strict ? ", strict" : string.Empty)}";
        _logger.KeyExchangeDone(_remote, NegotiatedSummary);
        State.EndReceive(_options.TimeProvider.GetTimestamp());
    }
}
