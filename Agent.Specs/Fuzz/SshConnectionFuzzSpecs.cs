using System.Buffers.Binary;
using Agent.Reactive.Effects;
using Agent.Reactive.Protocol;
using Agent.Runtime.Ssh.Auth;
using Agent.Runtime.Ssh.Channels;
using Agent.Runtime.Ssh.Connection;
using Agent.Runtime.Ssh.Keys;
using Agent.Runtime.Ssh.Transport;
using Agent.Runtime.Ssh.Wire;
using Agent.Runtime.Sshd.Session;
using Agent.Specs.Fakes.Ssh;
using Agent.Specs.Fakes.SshTransport;
using Agent.Specs.Fakes.Terminal;
using Agent.Specs.Runtime.Ssh.Transport;
using Agent.Specs.Utilities;
using Microsoft.Extensions.Logging;

namespace Agent.Specs.Fuzz;

/// <summary>
/// SSH messages after the key exchange: userauth (none, publickey query and signed), then the connection protocol
/// (session channels with pty-req, env, shell, exec, subsystem, window-change, signal; data, window adjust, EOF,
/// close; global requests; IGNORE and DEBUG). An input is a mode byte (trusted or public-key authentication) and
/// length-prefixed payloads. In memory, they go straight into <see cref="SshConnectionHandler"/>; over the real
/// transport, they are encrypted by a client that did the handshake, and transport messages (a re-key KEXINIT,
/// SERVICE_REQUEST, unknown numbers) are handled by <see cref="SshServerTransport"/> first. The property: the
/// connection ends when the client leaves, or with a logged DISCONNECT; no exception escapes; no shell runs (fake
/// PTY and process launchers).
/// </summary>
[Collection(FuzzCollection.Name)]
public sealed class SshConnectionFuzzSpecs
{
    private const byte Trusted = 0;
    private const byte PublicKey = 1;
    private static readonly byte[] SessionId = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];
    private static readonly Ed25519HostKey ClientKey = new(Enumerable.Range(100, Ed25519HostKey.SeedSize).Select(i => (byte)i).ToArray());

    internal static FuzzTarget InMemoryTarget { get; } = new("ssh-connection", [Shell(), Exec(), SignedExec()], RunInMemoryAsync)
    {
        Dictionary = FuzzDictionaries.Ssh,
        MaxInputBytes = 16 * 1024,
    };

    internal static FuzzTarget TransportTarget { get; } = new("ssh-transport-session", [AfterServiceAccept(Shell()), AfterServiceAccept(Exec()), Unimplemented()], RunOverTransportAsync)
    {
        Dictionary = [.. FuzzDictionaries.Ssh, Input(Trusted, SshTransportFuzzSpecs.ClientKexInit().Payload)[1..]],
        MaxInputBytes = 16 * 1024,
    };

    [Fact]
    public async Task Connection_MutatedMessages_EndsWithTheClientOrALoggedDisconnect()
        => await FuzzSpec.RunAsync(InMemoryTarget);

    [Fact]
    public async Task Transport_MutatedMessagesAfterTheHandshake_EndsWithTheClientOrALoggedDisconnect()
        => await FuzzSpec.RunAsync(TransportTarget, minimumExecutions: 20);

    /// <summary>The payloads of an input: length-prefixed records, whatever is left over as one last payload.</summary>
    internal static List<byte[]> Payloads(ReadOnlySpan<byte> records)
    {
        var payloads = new List<byte[]>();
        while (records.Length >= 4)
        {
            var length = BinaryPrimitives.ReadUInt32BigEndian(records);
            if (length > (uint)(records.Length - 4))
                break;
            payloads.Add(records.Slice(4, (int)length).ToArray());
            records = records[(4 + (int)length)..];
        }

        if (!records.IsEmpty)
            payloads.Add(records.ToArray());
        return payloads;
    }

    private static SshConnectionOptions Options(byte mode, RecordingLogger logger, string home) => new()
    {
        AuthenticationMode = mode % 2 == PublicKey ? SshAuthenticationMode.PublicKey : SshAuthenticationMode.Trusted,
        AuthorizeKey = request => request.Blob.Span.SequenceEqual(ClientKey.PublicKeyBlob.Span) ? LoginRestrictions.None : null,
        VerifySignature = (key, algorithm, data, signature) => SshPublicKey.Verify(key.Span, algorithm, data.Span, signature.Span),
        ChannelTypes = SshSessionChannelType.With(new Dictionary<string, SshChannelOpenHandler>(), new SshSessionOptions
        {
            PtyLauncher = new FakePtyLauncher(),
            ProcessLauncher = new FakePipedProcessLauncher(),
            EnvironmentSource = () => new SshSessionEnvironmentSnapshot(
                new Manifest(), new AgentEnvironment(home, _ => null, "v0.0.0", string.Empty, home, "/usr/local/bin/agent", "coder"), "agent-token"),
            Logger = logger,
        }),
        KeepAliveInterval = null,
        LoggerFactory = new SingleLoggerFactory(logger),
    };

    private static async Task<FuzzOutcome> RunInMemoryAsync(byte[] input, CancellationToken cancellationToken)
    {
        if (input.Length == 0)
            return FuzzOutcome.Refused;
        await using var transport = new InMemorySshTransport(SessionId);
        var logger = new RecordingLogger();
        var server = SshConnectionHandler.RunAsync(transport, Options(input[0], logger, Path.GetTempPath()), cancellationToken);
        foreach (var payload in Payloads(input.AsSpan(1)))
            transport.ClientSend(payload);
        transport.ClientClose();
        await server;
        return transport.DisconnectedWith is null ? FuzzOutcome.Accepted : FuzzOutcome.Refused;
    }

    private static async Task<FuzzOutcome> RunOverTransportAsync(byte[] input, CancellationToken cancellationToken)
    {
        if (input.Length == 0)
            return FuzzOutcome.Refused;
        var logger = new RecordingLogger();
        await using var harness = await SshServerTransportSpecs.Harness.StartAsync("aes128-gcm@openssh.com", "hmac-sha2-256-etm@openssh.com", logger: logger);
        var server = SshConnectionHandler.RunAsync(harness.Server, Options(Trusted, logger, Path.GetTempPath()), cancellationToken);
        var drain = DrainAsync(harness.Client);
        try
        {
            foreach (var payload in Payloads(input.AsSpan(1)))
            {
                if (payload.Length is > 0 and <= 256 * 1024)
                    await harness.Client.SendAsync(payload);
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The server closed the connection before taking all of it.
        }

        await harness.ClientStream.DisposeAsync();
        await server;
        await drain;

        // The client leaving is ConnectionLost; anything else the connection logs at warning is a refusal.
        return logger.Entries.Any(e => e.Level >= LogLevel.Warning && !e.Message.Contains("(ConnectionLost)", StringComparison.Ordinal)) ? FuzzOutcome.Refused : FuzzOutcome.Accepted;
    }

    private static async Task DrainAsync(SpecSshClient client)
    {
        try
        {
            while (await client.ReceiveAsync() is not null)
            {
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or SshProtocolException or InvalidOperationException or OperationCanceledException)
        {
            // The connection ended.
        }
    }

    /// <summary>The same messages without the SERVICE_REQUEST, which the spec client's handshake sent already.</summary>
    private static byte[] AfterServiceAccept(byte[] input) => Input(input[0], [.. Payloads(input.AsSpan(1)).Skip(1)]);

    private static byte[] Input(byte mode, params byte[][] payloads)
        => [mode, .. payloads.SelectMany(p => (byte[])[.. new SshWriter(4).WriteUInt32((uint)p.Length).ToArray(), .. p])];

    private static byte[] Message(MessageNumber number, Action<SshWriter>? fields = null) => SshTestClient.Message(number, fields);

    private static byte[] Open(uint channel) => Message(MessageNumber.ChannelOpen, w => w.WriteString("session").WriteUInt32(channel).WriteUInt32(2 << 20).WriteUInt32(32 << 10));

    private static byte[] Request(uint channel, string type, bool reply, Action<SshWriter>? fields = null)
        => Message(MessageNumber.ChannelRequest, w =>
        {
            w.WriteUInt32(channel).WriteString(type).WriteBoolean(reply);
            fields?.Invoke(w);
        });

    private static byte[] Shell()
        => Input(
            Trusted,
            Message(MessageNumber.ServiceRequest, w => w.WriteString("ssh-userauth")),
            SshTestClient.UserAuthNone("coder"),
            Message(MessageNumber.Ignore, w => w.WriteString("padding")),
            Open(7),
            Request(0, "pty-req", true, w => w.WriteString("xterm-256color").WriteUInt32(80).WriteUInt32(24).WriteUInt32(640).WriteUInt32(480).WriteBinary([53, 0, 0, 0, 1, 128, 0, 0, 0x96, 0, 0])),
            Request(0, "env", true, w => w.WriteString("LANG").WriteString("C.UTF-8")),
            Request(0, "shell", true),
            Message(MessageNumber.ChannelData, w => w.WriteUInt32(0).WriteString("ls -l\r")),
            Request(0, "window-change", false, w => w.WriteUInt32(132).WriteUInt32(50).WriteUInt32(0).WriteUInt32(0)),
            Request(0, "signal", false, w => w.WriteString("INT")),
            Message(MessageNumber.ChannelWindowAdjust, w => w.WriteUInt32(0).WriteUInt32(1 << 20)),
            Message(MessageNumber.GlobalRequest, w => w.WriteString("keepalive@openssh.com").WriteBoolean(true)),
            Message(MessageNumber.ChannelEof, w => w.WriteUInt32(0)),
            Message(MessageNumber.ChannelClose, w => w.WriteUInt32(0)));

    private static byte[] Exec()
        => Input(
            Trusted,
            Message(MessageNumber.ServiceRequest, w => w.WriteString("ssh-userauth")),
            SshTestClient.UserAuthNone("coder"),
            Open(1),
            Request(0, "exec", true, w => w.WriteString("echo hi")),
            Open(2),
            Request(1, "subsystem", true, w => w.WriteString("sftp")),
            Message(MessageNumber.ChannelOpen, w => w.WriteString("direct-tcpip").WriteUInt32(3).WriteUInt32(1 << 20).WriteUInt32(1 << 15).WriteString("127.0.0.1").WriteUInt32(22).WriteString("127.0.0.1").WriteUInt32(5000)),
            Message(MessageNumber.GlobalRequest, w => w.WriteString("no-more-sessions@openssh.com").WriteBoolean(false)),
            Message(MessageNumber.Debug, w => w.WriteBoolean(false).WriteString("debug").WriteString("en")),
            Message(MessageNumber.ChannelClose, w => w.WriteUInt32(1)));

    private static byte[] SignedExec()
    {
        var key = ClientKey.PublicKeyBlob.ToArray();
        var signed = SshUserAuthenticator.SignedData(SessionId, "coder", "ssh-connection", Ed25519HostKey.Algorithm, key);
        return Input(
            PublicKey,
            Message(MessageNumber.ServiceRequest, w => w.WriteString("ssh-userauth")),
            SshTestClient.UserAuthNone("coder"),
            Message(MessageNumber.UserauthRequest, w => w.WriteString("coder").WriteString("ssh-connection").WriteString("publickey").WriteBoolean(false).WriteString(Ed25519HostKey.Algorithm).WriteBinary(key)),
            Message(MessageNumber.UserauthRequest, w => w.WriteString("coder").WriteString("ssh-connection").WriteString("publickey").WriteBoolean(true).WriteString(Ed25519HostKey.Algorithm).WriteBinary(key).WriteBinary(ClientKey.Sign(Ed25519HostKey.Algorithm, signed))),
            Open(0),
            Request(0, "exec", true, w => w.WriteString("uptime")),
            Message(MessageNumber.ChannelData, w => w.WriteUInt32(0).WriteString("input")),
            Message(MessageNumber.ChannelEof, w => w.WriteUInt32(0)));
    }

    /// <summary>Transport messages in the middle: UNIMPLEMENTED here, a re-key KEXINIT from the dictionary.</summary>
    private static byte[] Unimplemented()
        => Input(
            Trusted,
            SshTestClient.UserAuthNone("coder"),
            Message(MessageNumber.Unimplemented, w => w.WriteUInt32(3)),
            Open(0),
            Request(0, "exec", true, w => w.WriteString("true")));

    private sealed class SingleLoggerFactory(ILogger logger) : ILoggerFactory
    {
        public void AddProvider(ILoggerProvider provider)
        {
        }

        public ILogger CreateLogger(string categoryName) => logger;

        public void Dispose()
        {
        }
    }
}
