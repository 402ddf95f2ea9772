using System.Security.Cryptography;
using System.Text;
using Agent.Runtime.Ssh.Algorithms.Ciphers;
using Agent.Runtime.Ssh.Transport;
using Agent.Runtime.Ssh.Wire;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using X25519 = Org.BouncyCastle.Math.EC.Rfc7748.X25519;

namespace Agent.Specs.Fakes.SshTransport;

/// <summary>
/// A minimal SSH client for the transport layer only (curve25519-sha256, ssh-ed25519): version exchange, KEXINIT,
/// key exchange (also when the server re-keys), NEWKEYS, strict mode, then raw payloads both ways.
/// </summary>
internal sealed class SpecSshClient : IAsyncDisposable
{
    public const string Version = "SSH-2.0-SpecClient_1.0";

    private readonly Stream _stream;
    private readonly PacketReader _reader;
    private readonly PacketWriter _writer;
    private readonly Queue<byte[]> _pending = new();

    private SpecSshClient(Stream stream, string cipher, string mac, string kex, bool strict, bool extInfo, string version)
    {
        ClientVersion = version;
        _stream = stream;
        _reader = new PacketReader(stream);
        _writer = new PacketWriter(stream);
        Cipher = cipher;
        Mac = mac;
        Kex = kex;
        Strict = strict;
        ExtInfo = extInfo;
    }

    public string Cipher { get; }

    public string Mac { get; }

    public string Kex { get; }

    public bool Strict { get; }

    public bool ExtInfo { get; }

    /// <summary>Our identification line (<see cref="Version"/> unless the spec chose another).</summary>
    public string ClientVersion { get; }

    public string ServerVersion { get; private set; } = string.Empty;

    public byte[]? SessionId { get; private set; }

    public string? ServerSigAlgs { get; private set; }

    public int KeyExchanges { get; private set; }

    public uint SendSequence => _writer.Sequence;

    /// <summary>Sends the identification line and reads the server's.</summary>
    public static async Task<SpecSshClient> StartAsync(
        Stream stream,
        string cipher = "aes128-gcm@openssh.com",
        string mac = "hmac-sha2-256-etm@openssh.com",
        string kex = "curve25519-sha256",
        bool strict = true,
        bool extInfo = true,
        string version = Version)
    {
        var client = new SpecSshClient(stream, cipher, mac, kex, strict, extInfo, version);
        await client._writer.WriteRawAsync(Encoding.ASCII.GetBytes(version + "\r\n"), default);
        client.ServerVersion = await client._reader.ReadLineAsync(255, default) ?? throw new IOException("no server version");
        return client;
    }

    /// <summary>Starts and completes the key exchange and the ssh-userauth service request.</summary>
    public static async Task<SpecSshClient> ConnectAsync(Stream stream, string cipher = "aes128-gcm@openssh.com", string mac = "hmac-sha2-256-etm@openssh.com", bool strict = true)
    {
        var client = await StartAsync(stream, cipher, mac, strict: strict);
        await client.KeyExchangeAsync(null, sendOurs: true);
        await client.RequestServiceAsync("ssh-userauth");
        return client;
    }

    public async Task RequestServiceAsync(string service)
    {
        await SendAsync(new SshWriter().Write(MessageNumber.ServiceRequest).WriteString(service).ToArray());
        var reply = await ReceiveAsync() ?? throw new IOException("closed before SERVICE_ACCEPT");
        if (reply[0] != (byte)MessageNumber.ServiceAccept)
            throw new IOException($"expected SERVICE_ACCEPT, got message {reply[0]}");
    }

    public ValueTask SendAsync(byte[] payload) => _writer.WritePacketAsync(payload, default);

    public ValueTask SendRawAsync(byte[] bytes) => _writer.WriteRawAsync(bytes, default);

    public ValueTask SendKexInitAsync() => SendAsync(BuildKexInit().Payload);

    /// <summary>The next payload that is not IGNORE or EXT_INFO; re-keys when the server asks; null at the end of the stream.</summary>
    public async Task<byte[]?> ReceiveAsync()
    {
        if (_pending.Count > 0)
            return _pending.Dequeue();
        while (true)
        {
            var packet = await ReadAsync();
            if (packet is null)
                return null;
            switch ((MessageNumber)packet[0])
            {
                case MessageNumber.Ignore:
                    continue;
                case MessageNumber.ExtInfo:
                    ReadExtInfo(packet);
                    continue;
                case MessageNumber.KexInit:
                    await KeyExchangeAsync(KexInitMessage.Parse(packet), sendOurs: true);
                    continue;
                default:
                    return packet;
            }
        }
    }

    /// <summary>A client-initiated re-key; payloads that arrive before the server's KEXINIT are kept for <see cref="ReceiveAsync"/>.</summary>
    public async Task RekeyAsync()
    {
        await SendKexInitAsync();
        var ours = _lastKexInit!;
        while (true)
        {
            var packet = await ReadAsync() ?? throw new IOException("closed during re-key");
            if (packet[0] == (byte)MessageNumber.KexInit)
            {
                await KeyExchangeAsync(KexInitMessage.Parse(packet), sendOurs: false, ours);
                return;
            }

            _pending.Enqueue(packet);
        }
    }

    /// <summary>KEX_ECDH_INIT packets sent so far (a wrong guess costs one more).</summary>
    public int EcdhInitsSent { get; private set; }

    /// <summary>
    /// Runs a key exchange; <paramref name="server"/> when the server's KEXINIT was read already. With
    /// <paramref name="guess"/> (and <paramref name="sendOurs"/>), as Dropbear does: KEXINIT says
    /// <c>first_kex_packet_follows</c> and KEX_ECDH_INIT follows at once, before the server's KEXINIT is read; when
    /// the guess turns out wrong (RFC 4253 section 7: the two sides' first key exchange or host key algorithms
    /// differ), KEX_ECDH_INIT is sent again with a new key.
    /// </summary>
    public async Task KeyExchangeAsync(KexInitMessage? server, bool sendOurs, KexInitMessage? ours = null, bool guess = false)
    {
        byte[]? guessedKey = null;
        if (sendOurs)
        {
            ours = BuildKexInit(guess);
            await SendAsync(ours.Payload);
            if (guess)
                guessedKey = await SendEcdhInitAsync();
        }

        while (server is null)
        {
            var packet = await ReadAsync() ?? throw new IOException("closed before KEXINIT");
            if (packet[0] == (byte)MessageNumber.KexInit)
                server = KexInitMessage.Parse(packet);
            else if (packet[0] != (byte)MessageNumber.Ignore)
                throw new IOException($"expected KEXINIT, got message {packet[0]}");
        }

        var negotiated = NegotiatedAlgorithms.Negotiate(ours!, server);
        var strict = Strict && (SessionId is not null ? _strictNegotiated : server.KeyExchange.Contains("kex-strict-s-v00@openssh.com"));
        _strictNegotiated = strict;

        var guessRight = ours!.KeyExchange[0] == server.KeyExchange[0] && ours.HostKey[0] == server.HostKey[0];
        var privateKey = guessedKey is not null && guessRight ? guessedKey : await SendEcdhInitAsync();
        var publicKey = new byte[32];
        X25519.ScalarMultBase(privateKey, 0, publicKey, 0);
        var reply = await ReadAsync() ?? throw new IOException("closed before KEX_ECDH_REPLY");
        if (reply[0] != (byte)MessageNumber.KexEcdhReply)
            throw new IOException($"expected KEX_ECDH_REPLY, got message {reply[0]}");
        byte[] hostKey, serverValue, signature;
        {
            var reader = new SshReader(reply.AsSpan(1));
            hostKey = reader.ReadBinary().ToArray();
            serverValue = reader.ReadBinary().ToArray();
            signature = reader.ReadBinary().ToArray();
        }

        var shared = new byte[32];
        X25519.ScalarMult(privateKey, 0, serverValue, 0, shared, 0);
        var secret = new SshWriter().WriteMpint(shared).ToArray();
        var hash = KeyDerivation.ExchangeHash(HashAlgorithmName.SHA256, ClientVersion, ServerVersion, ours!.Payload, server.Payload, hostKey, publicKey, serverValue, secret);
        VerifyEd25519(hostKey, signature, hash);
        SessionId ??= hash;
        var sessionId = SessionId;
        byte[] Derive(char letter, int length) => KeyDerivation.Derive(HashAlgorithmName.SHA256, secret, hash, letter, sessionId, length);

        await SendAsync([(byte)MessageNumber.NewKeys]);
        _writer.SetProtection(PacketProtectionFactory.Create(
            negotiated.CipherClientToServer,
            negotiated.MacClientToServer,
            Derive('C', PacketProtectionFactory.KeyLength(negotiated.CipherClientToServer)),
            Derive('A', PacketProtectionFactory.IvLength(negotiated.CipherClientToServer)),
            Derive('E', PacketProtectionFactory.MacKeyLength(negotiated.CipherClientToServer, negotiated.MacClientToServer))));
        if (strict)
            _writer.Sequence = 0;
        var newKeys = await ReadAsync() ?? throw new IOException("closed before NEWKEYS");
        if (newKeys[0] != (byte)MessageNumber.NewKeys)
            throw new IOException($"expected NEWKEYS, got message {newKeys[0]}");
        _reader.SetProtection(PacketProtectionFactory.Create(
            negotiated.CipherServerToClient,
            negotiated.MacServerToClient,
            Derive('D', PacketProtectionFactory.KeyLength(negotiated.CipherServerToClient)),
            Derive('B', PacketProtectionFactory.IvLength(negotiated.CipherServerToClient)),
            Derive('F', PacketProtectionFactory.MacKeyLength(negotiated.CipherServerToClient, negotiated.MacServerToClient))));
        if (strict)
            _reader.Sequence = 0;
        KeyExchanges++;
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _reader.Dispose();
        _writer.Dispose();
    }

    private bool _strictNegotiated;
    private KexInitMessage? _lastKexInit;

    /// <summary>Sends KEX_ECDH_INIT with a new X25519 key and returns its private half.</summary>
    private async Task<byte[]> SendEcdhInitAsync()
    {
        var privateKey = RandomNumberGenerator.GetBytes(32);
        var publicKey = new byte[32];
        X25519.ScalarMultBase(privateKey, 0, publicKey, 0);
        await SendAsync(new SshWriter().Write(MessageNumber.KexEcdhInit).WriteBinary(publicKey).ToArray());
        EcdhInitsSent++;
        return privateKey;
    }

    private KexInitMessage BuildKexInit(bool guess = false)
    {
        var kex = new List<string> { Kex };
        if (SessionId is null && ExtInfo)
            kex.Add("ext-info-c");
        if (Strict)
            kex.Add("kex-strict-c-v00@openssh.com");
        _lastKexInit = KexInitMessage.Create(kex, ["ssh-ed25519"], [Cipher], [Mac], guess);
        return _lastKexInit;
    }

    /// <summary>The next packet as it is, with no handling.</summary>
    public Task<byte[]?> ReadRawAsync() => ReadAsync();

    private async Task<byte[]?> ReadAsync()
    {
        var packet = await _reader.ReadPacketAsync(default);
        return packet?.ToArray();
    }

    private void ReadExtInfo(byte[] packet)
    {
        var reader = new SshReader(packet.AsSpan(1));
        var count = reader.ReadUInt32();
        for (var i = 0; i < count; i++)
        {
            var name = reader.ReadString();
            var value = reader.ReadString();
            if (name == "server-sig-algs")
                ServerSigAlgs = value;
        }
    }

    private static void VerifyEd25519(byte[] hostKey, byte[] signatureBlob, byte[] hash)
    {
        var keyReader = new SshReader(hostKey);
        if (keyReader.ReadString() != "ssh-ed25519")
            throw new IOException("not an ssh-ed25519 host key");
        var publicKey = keyReader.ReadBinary().ToArray();
        var signatureReader = new SshReader(signatureBlob);
        if (signatureReader.ReadString() != "ssh-ed25519")
            throw new IOException("not an ssh-ed25519 signature");
        var signature = signatureReader.ReadBinary().ToArray();
        var verifier = new Ed25519Signer();
        verifier.Init(false, new Ed25519PublicKeyParameters(publicKey));
        verifier.BlockUpdate(hash, 0, hash.Length);
        if (!verifier.VerifySignature(signature))
            throw new IOException("the host key signature of the exchange hash does not verify");
    }
}
