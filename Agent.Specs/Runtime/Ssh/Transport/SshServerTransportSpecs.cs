using Agent.Runtime.Ssh.Keys;
using Agent.Runtime.Ssh.Transport;
using Agent.Runtime.Ssh.Wire;
using Agent.Specs.Fakes.SshTransport;
using Agent.Specs.Utilities;

namespace Agent.Specs.Runtime.Ssh.Transport;

public class SshServerTransportSpecs
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);
    private static readonly Ed25519HostKey HostKey = Ed25519HostKey.Generate();
    private static readonly EcdsaHostKey EcdsaHostKey = EcdsaHostKey.Generate();

    public static TheoryData<string, string> CipherMacPairs()
    {
        var data = new TheoryData<string, string>();
        foreach (var cipher in SshServerOptions.SupportedCiphers)
        {
            if (cipher.Contains("ctr"))
            {
                foreach (var mac in SshServerOptions.SupportedMacs)
                    data.Add(cipher, mac);
            }
            else
            {
                data.Add(cipher, "hmac-sha2-256");
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CipherMacPairs))]
    public async Task Transport_EachCipherAndMac_RoundTripsPayloads(string cipher, string mac)
    {
        await using var harness = await Harness.StartAsync(cipher, mac);
        Assert.Equal(harness.Client.SessionId, harness.Server.SessionId.ToArray());
        Assert.StartsWith("SSH-2.0-Agent_", harness.Client.ServerVersion);
        Assert.Equal(SpecSshClient.Version, harness.Server.ClientVersion);
        Assert.Equal(
            "ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,rsa-sha2-512,rsa-sha2-256,"
            + "ssh-ed25519-cert-v01@openssh.com,ecdsa-sha2-nistp256-cert-v01@openssh.com,ecdsa-sha2-nistp384-cert-v01@openssh.com,"
            + "ecdsa-sha2-nistp521-cert-v01@openssh.com,rsa-sha2-512-cert-v01@openssh.com,rsa-sha2-256-cert-v01@openssh.com",
            harness.Client.ServerSigAlgs);
        Assert.Contains(cipher, harness.Server.NegotiatedSummary);
        var random = new Random(7);
        foreach (var size in new[] { 1, 15, 16, 17, 255, 1000, 32768, 100_000, SshServerTransport.MaxPayloadLength })
        {
            var payload = new byte[size];
            random.NextBytes(payload);
            payload[0] = 200;
            await harness.Client.SendAsync(payload);
            Assert.Equal(payload, await harness.ReceiveOnServerAsync());
            await harness.Server.SendAsync(payload, default);
            Assert.Equal(payload, await harness.Client.ReceiveAsync());
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Transport_ServerRekeysByBytes_SessionCarriesOn(bool strict)
    {
        await using var harness = await Harness.StartAsync("aes256-ctr", "hmac-sha2-512", strict: strict, options: o => new SshServerOptions
        {
            HostKeys = o.HostKeys,
            RekeyBytes = 64 * 1024,
        });
        harness.Server.CompleteAuthentication();
        var payload = new byte[8 * 1024];
        payload[0] = 200;
        for (var i = 0; i < 64; i++)
        {
            payload[1] = (byte)i;
            var send = harness.Server.SendAsync(payload, default).AsTask();
            Assert.Equal(payload, await harness.Client.ReceiveAsync());
            await send.WaitAsync(Bound);
            await harness.Client.SendAsync(payload);
            Assert.Equal(payload, await harness.ReceiveOnServerAsync());
        }

        Assert.True(harness.Client.KeyExchanges >= 5, $"only {harness.Client.KeyExchanges} key exchanges");
    }

    [Fact]
    public async Task Transport_BeforeAuthentication_ServerDoesNotRekey()
    {
        await using var harness = await Harness.StartAsync("aes128-gcm@openssh.com", "hmac-sha2-256", options: o => new SshServerOptions { HostKeys = o.HostKeys, RekeyBytes = 1024 });
        var payload = new byte[2048];
        payload[0] = 200;
        for (var i = 0; i < 8; i++)
        {
            await harness.Server.SendAsync(payload, default);
            Assert.Equal(payload, await harness.Client.ReceiveAsync());
        }

        Assert.Equal(1, harness.Client.KeyExchanges);
        harness.Server.CompleteAuthentication();
        await harness.Server.SendAsync(payload, default);
        Assert.Equal(payload, await harness.Client.ReceiveAsync());
        var send = harness.Server.SendAsync(payload, default).AsTask();
        Assert.Equal(payload, await harness.Client.ReceiveAsync());
        await send.WaitAsync(Bound);
        Assert.Equal(2, harness.Client.KeyExchanges);
    }

    [Fact]
    public async Task Transport_AfterRekeyInterval_ServerRekeys()
    {
        var clock = new ManualTimeProvider();
        await using var harness = await Harness.StartAsync("aes256-gcm@openssh.com", "hmac-sha2-256", options: o => new SshServerOptions { HostKeys = o.HostKeys, TimeProvider = clock });
        harness.Server.CompleteAuthentication();
        byte[] payload = [200, 1];
        clock.Advance(TimeSpan.FromMinutes(59));
        await harness.Server.SendAsync(payload, default);
        Assert.Equal(payload, await harness.Client.ReceiveAsync());
        Assert.Equal(1, harness.Client.KeyExchanges);

        clock.Advance(TimeSpan.FromMinutes(2));
        await harness.Server.SendAsync(payload, default);
        var send = harness.Server.SendAsync(payload, default).AsTask();
        Assert.Equal(payload, await harness.Client.ReceiveAsync());
        Assert.Equal(payload, await harness.Client.ReceiveAsync());
        await send.WaitAsync(Bound);
        Assert.Equal(2, harness.Client.KeyExchanges);
    }

    [Fact]
    public async Task Transport_ClientRekeysAfterAuthentication_SessionCarriesOn()
    {
        await using var harness = await Harness.StartAsync("chacha20-poly1305@openssh.com", "hmac-sha2-256");
        harness.Server.CompleteAuthentication();
        var sessionId = harness.Client.SessionId;
        for (var i = 0; i < 3; i++)
        {
            await harness.Client.RekeyAsync();
            byte[] payload = [200, (byte)i];
            await harness.Client.SendAsync(payload);
            Assert.Equal(payload, await harness.ReceiveOnServerAsync());
            await harness.Server.SendAsync(payload, default);
            Assert.Equal(payload, await harness.Client.ReceiveAsync());
        }

        Assert.Equal(4, harness.Client.KeyExchanges);
        Assert.Equal(sessionId, harness.Server.SessionId.ToArray());
    }

    [Fact]
    public async Task Transport_SecondClientRekeyBeforeAuthentication_Disconnects()
    {
        var logger = new RecordingLogger();
        await using var harness = await Harness.StartAsync("aes128-gcm@openssh.com", "hmac-sha2-256", logger: logger);
        await harness.Client.RekeyAsync();
        byte[] payload = [200, 1];
        await harness.Client.SendAsync(payload);
        Assert.Equal(payload, await harness.ReceiveOnServerAsync());

        await harness.Client.SendKexInitAsync();

        var exception = await Assert.ThrowsAsync<SshProtocolException>(async () => await harness.ReceiveOnServerAsync());
        Assert.Equal(DisconnectReason.ProtocolError, exception.Reason);
        Assert.Contains(logger.Warnings, w => w.Contains("re-key before authentication", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SendAsync_ManyThreads_EveryPayloadArrivesWhole()
    {
        await using var harness = await Harness.StartAsync("aes128-gcm@openssh.com", "hmac-sha2-256", options: o => new SshServerOptions { HostKeys = o.HostKeys, RekeyBytes = 32 * 1024 });
        harness.Server.CompleteAuthentication();
        var senders = Enumerable.Range(0, 8).Select(t => Task.Run(async () =>
        {
            for (var i = 0; i < 50; i++)
                { var p = new byte[1003]; p[0] = 200; p[1] = (byte)t; p[2] = (byte)i; await harness.Server.SendAsync(p, default); }
        })).ToList();
        var seen = new HashSet<(byte, byte)>();
        while (seen.Count < 400)
        {
            var payload = await harness.Client.ReceiveAsync().WaitAsync(Bound);
            Assert.NotNull(payload);
            Assert.Equal(1003, payload.Length);
            Assert.True(seen.Add((payload[1], payload[2])));
        }

        await Task.WhenAll(senders).WaitAsync(Bound);
    }

    [Fact]
    public async Task Transport_UnknownTransportMessage_AnswersUnimplemented()
    {
        await using var harness = await Harness.StartAsync("aes128-gcm@openssh.com", "hmac-sha2-256");
        var sequence = harness.Client.SendSequence;
        await harness.Client.SendAsync([15, 1, 2]);
        var reply = await harness.Client.ReceiveAsync();
        Assert.NotNull(reply);
        Assert.Equal((byte)MessageNumber.Unimplemented, reply[0]);
        Assert.Equal(sequence, new SshReader(reply.AsSpan(1)).ReadUInt32());
        await harness.Client.SendAsync([(byte)MessageNumber.Ignore, 0, 0, 0, 0]);
        await harness.Client.SendAsync([200]);
        Assert.Equal(new byte[] { 200 }, await harness.ReceiveOnServerAsync());
    }

    [Fact]
    public async Task ReceiveAsync_ClientCloses_ReturnsNull()
    {
        var harness = await Harness.StartAsync("aes128-gcm@openssh.com", "hmac-sha2-256");
        await harness.Client.DisposeAsync();
        Assert.Null(await harness.Server.ReceiveAsync(default).AsTask().WaitAsync(Bound));
        await harness.Server.DisposeAsync();
    }

    [Fact]
    public async Task ReceiveAsync_ClientDisconnects_ReturnsNull()
    {
        await using var harness = await Harness.StartAsync("aes128-gcm@openssh.com", "hmac-sha2-256");
        await harness.Client.SendAsync(new SshWriter().Write(MessageNumber.Disconnect).WriteUInt32(11).WriteString("bye").WriteString(string.Empty).ToArray());
        Assert.Null(await harness.Server.ReceiveAsync(default).AsTask().WaitAsync(Bound));
    }

    [Fact]
    public async Task Accept_ClientGuessesKexRight_UsesTheGuessedPacket()
    {
        await using var harness = await GuessingHarnessAsync("curve25519-sha256", ecdsaHostKeyFirst: false);

        Assert.Equal(1, harness.Client.EcdhInitsSent);
        Assert.Contains("kex curve25519-sha256, host key ssh-ed25519", harness.Server.NegotiatedSummary, StringComparison.Ordinal);
        await harness.Client.SendAsync([200, 1, 2, 3]);
        Assert.Equal(new byte[] { 200, 1, 2, 3 }, await harness.ReceiveOnServerAsync());
    }

    /// <summary>
    /// Dropbear's case: the client's first key exchange method (or host key algorithm) is one the server supports but
    /// not the server's first, so the guess is wrong although it is what gets negotiated; the client sends its
    /// KEX_ECDH_INIT again, and the server must have ignored the guessed one.
    /// </summary>
    [Theory]
    [InlineData("mlkem768x25519-sha256", false)]
    [InlineData("curve25519-sha256", true)]
    public async Task Accept_ClientGuessesKexWrong_IgnoresTheGuessedPacket(string serverFirstKex, bool ecdsaHostKeyFirst)
    {
        await using var harness = await GuessingHarnessAsync(serverFirstKex, ecdsaHostKeyFirst);

        Assert.Equal(2, harness.Client.EcdhInitsSent);
        Assert.Contains("kex curve25519-sha256, host key ssh-ed25519", harness.Server.NegotiatedSummary, StringComparison.Ordinal);
        await harness.Client.SendAsync([200, 4, 5, 6]);
        Assert.Equal(new byte[] { 200, 4, 5, 6 }, await harness.ReceiveOnServerAsync());
    }

    /// <summary>As sshd: no line before the identification, no other protocol; the answer is sshd's plain line, then the end.</summary>
    [Theory]
    [InlineData("GET / HTTP/1.0\r\n\r\n", "Invalid SSH identification string.", DisconnectReason.ProtocolError)]
    [InlineData("\n", "Invalid SSH identification string.", DisconnectReason.ProtocolError)]
    [InlineData("hello there\r\nSSH-2.0-Late\r\n", "Invalid SSH identification string.", DisconnectReason.ProtocolError)]
    [InlineData("SSH-2.0-\r\n", "Invalid SSH identification string.", DisconnectReason.ProtocolError)]
    [InlineData("SSH-2.0\r\n", "Invalid SSH identification string.", DisconnectReason.ProtocolError)]
    [InlineData("SSH-x.y-Client\r\n", "Invalid SSH identification string.", DisconnectReason.ProtocolError)]
    [InlineData("SSH-2.0-Bad\0Nul\r\n", "Invalid SSH identification string.", DisconnectReason.ProtocolError)]
    [InlineData("SSH-2.0-Lone\rCR\r\n", "Invalid SSH identification string.", DisconnectReason.ProtocolError)]
    [InlineData("SSH-1.5-HALLO\n", "Protocol major versions differ.", DisconnectReason.ProtocolVersionNotSupported)]
    [InlineData("SSH-1.0-Old\r\n", "Protocol major versions differ.", DisconnectReason.ProtocolVersionNotSupported)]
    [InlineData("SSH-3.0-Future\r\n", "Protocol major versions differ.", DisconnectReason.ProtocolVersionNotSupported)]
    public async Task Accept_BadIdentificationLine_AnswersAsSshdAndCloses(string sent, string answer, DisconnectReason reason)
    {
        var refusal = await RefuseIdentificationAsync(System.Text.Encoding.ASCII.GetBytes(sent));

        Assert.Equal(reason, refusal.Exception.Reason);
        Assert.Equal($"SSH-2.0-{Options().SoftwareVersion}\r\n{answer}\r\n", refusal.Output);
        Assert.Contains(refusal.Logger.Entries, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Warning && e.Message.Contains(answer, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(600)]
    [InlineData(255)]
    public async Task Accept_IdentificationLongerThan255Bytes_AnswersInvalid(int length)
    {
        var line = new byte[length + 2];
        new Random(3).NextBytes(line);
        for (var i = 0; i < line.Length; i++)
            line[i] = (byte)('a' + (line[i] % 26));
        "SSH-2.0-"u8.CopyTo(line);
        line[^2] = (byte)'\r';
        line[^1] = (byte)'\n';

        var refusal = await RefuseIdentificationAsync(line);

        Assert.EndsWith("\r\nInvalid SSH identification string.\r\n", refusal.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3")]
    [InlineData("SSH-1.99-Compatible")]
    [InlineData("SSH-2.0-x")]
    public async Task Accept_GoodIdentificationLine_Accepted(string line)
    {
        var (serverStream, clientStream) = InterceptablePipeStream.CreatePair();
        var accept = SshServerTransport.AcceptAsync(serverStream, Options(), new RecordingLogger(), default);
        await using var client = await SpecSshClient.StartAsync(clientStream, version: line);
        await client.KeyExchangeAsync(null, sendOurs: true);
        await client.RequestServiceAsync("ssh-userauth");
        await using var server = await accept.WaitAsync(Bound);
        Assert.Equal(line, server.ClientVersion);
    }

    [Theory]
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0 })]
    [InlineData(new byte[] { 0, 0, 0, 1, 0, 0, 0, 0 })]
    [InlineData(new byte[] { 0, 0, 0, 13, 0, 0, 0, 0 })]
    public async Task Accept_BadPacketLength_Disconnects(byte[] packet)
    {
        var result = await Harness.RejectAsync(async client =>
        {
            await client.WriteAsync(System.Text.Encoding.ASCII.GetBytes(SpecSshClient.Version + "\r\n"));
            await client.WriteAsync(packet.Concat(new byte[64]).ToArray());
        });
        Assert.Equal(DisconnectReason.ProtocolError, result.DisconnectReason);
        Assert.Contains("packet length", result.Exception.Message);
    }

    [Fact]
    public async Task Accept_PaddingTooShort_Disconnects()
    {
        var result = await Harness.RejectAsync(async client =>
        {
            await client.WriteAsync(System.Text.Encoding.ASCII.GetBytes(SpecSshClient.Version + "\r\n"));
            byte[] packet = [0, 0, 0, 12, 2, 20, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
            await client.WriteAsync(packet);
        });
        Assert.Contains("padding", result.Exception.Message);
    }

    [Fact]
    public async Task Transport_MacFailure_DisconnectsWithMacError()
    {
        var logger = new RecordingLogger();
        await using var harness = await Harness.StartAsync("aes128-ctr", "hmac-sha2-256-etm@openssh.com", logger: logger);
        harness.ClientStream.OnWrite = bytes =>
        {
            bytes[^1] ^= 1;
            return bytes;
        };
        await harness.Client.SendAsync([200, 1, 2, 3]);
        var failure = await Assert.ThrowsAsync<SshProtocolException>(() => harness.Server.ReceiveAsync(default).AsTask().WaitAsync(Bound));
        Assert.Equal(DisconnectReason.MacError, failure.Reason);
        var disconnect = await harness.Client.ReceiveAsync();
        Assert.NotNull(disconnect);
        Assert.Equal((byte)MessageNumber.Disconnect, disconnect[0]);
        Assert.Equal((uint)DisconnectReason.MacError, new SshReader(disconnect.AsSpan(1)).ReadUInt32());
        Assert.Contains(logger.Warnings, w => w.Contains("authentication failed"));
    }

    [Theory]
    [InlineData("chacha20-poly1305@openssh.com", "hmac-sha2-256")]
    [InlineData("aes256-gcm@openssh.com", "hmac-sha2-256")]
    [InlineData("aes256-ctr", "hmac-sha2-512")]
    public async Task Transport_TamperedCiphertext_DisconnectsWithMacError(string cipher, string mac)
    {
        await using var harness = await Harness.StartAsync(cipher, mac);
        harness.ClientStream.OnWrite = bytes =>
        {
            bytes[8] ^= 0x40;
            return bytes;
        };
        await harness.Client.SendAsync([200, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
        var failure = await Assert.ThrowsAsync<SshProtocolException>(() => harness.Server.ReceiveAsync(default).AsTask().WaitAsync(Bound));
        Assert.Equal(DisconnectReason.MacError, failure.Reason);
    }

    [Fact]
    public async Task Accept_StrictClientSendsIgnoreBeforeKexInit_Disconnects()
    {
        var result = await Harness.RejectAsync(async stream =>
        {
            var client = await SpecSshClient.StartAsync(stream, strict: true);
            await client.SendAsync([(byte)MessageNumber.Ignore, 0, 0, 0, 0]);
            await client.SendKexInitAsync();
            return client;
        });
        Assert.Equal(DisconnectReason.ProtocolError, result.DisconnectReason);
        Assert.Contains("strict", result.Exception.Message);
    }

    [Fact]
    public async Task Accept_StrictClientSendsIgnoreDuringKex_Disconnects()
    {
        var result = await Harness.RejectAsync(async stream =>
        {
            var client = await SpecSshClient.StartAsync(stream, strict: true);
            await client.SendKexInitAsync();
            await client.SendAsync([(byte)MessageNumber.Ignore, 0, 0, 0, 0]);
            return client;
        });
        Assert.Contains("strict", result.Exception.Message);
    }

    [Fact]
    public async Task Accept_NonStrictClientSendsIgnoreBeforeKexInit_Accepted()
    {
        var (serverStream, clientStream) = InterceptablePipeStream.CreatePair();
        var accept = SshServerTransport.AcceptAsync(serverStream, Options(), new RecordingLogger(), default);
        await using var client = await SpecSshClient.StartAsync(clientStream, strict: false);
        await client.SendAsync([(byte)MessageNumber.Ignore, 0, 0, 0, 0]);
        await client.KeyExchangeAsync(null, sendOurs: true);
        await client.RequestServiceAsync("ssh-userauth");
        await using var server = await accept.WaitAsync(Bound);
        Assert.DoesNotContain("strict", server.NegotiatedSummary);
    }

    [Fact]
    public async Task Accept_OtherService_DisconnectsServiceNotAvailable()
    {
        var result = await Harness.RejectAsync(async stream =>
        {
            var client = await SpecSshClient.StartAsync(stream);
            await client.KeyExchangeAsync(null, sendOurs: true);
            await client.SendAsync(new SshWriter().Write(MessageNumber.ServiceRequest).WriteString("ssh-connection").ToArray());
            return client;
        });
        Assert.Equal(DisconnectReason.ServiceNotAvailable, result.Exception.Reason);
        Assert.Equal(DisconnectReason.ServiceNotAvailable, result.DisconnectReason);
    }

    [Fact]
    public async Task Accept_NoCommonCipher_DisconnectsKeyExchangeFailed()
    {
        var result = await Harness.RejectAsync(
            async stream =>
            {
                var client = await SpecSshClient.StartAsync(stream, cipher: "aes256-gcm@openssh.com");
                await client.SendKexInitAsync();
                return client;
            },
            new SshServerOptions { HostKeys = [HostKey], Ciphers = ["aes128-ctr"] });
        Assert.Equal(DisconnectReason.KeyExchangeFailed, result.DisconnectReason);
    }

    [Fact]
    public async Task Accept_ClientSilent_DeadlineDisconnects()
    {
        var (serverStream, clientStream) = InterceptablePipeStream.CreatePair();
        var options = new SshServerOptions { HostKeys = [HostKey], PreAuthenticationTimeout = TimeSpan.FromMilliseconds(300) };
        var failure = await Assert.ThrowsAsync<SshProtocolException>(() => SshServerTransport.AcceptAsync(serverStream, options, new RecordingLogger(), default).WaitAsync(Bound));
        Assert.Contains("deadline", failure.Message);
        await clientStream.DisposeAsync();
    }

    [Fact]
    public async Task SetAuthenticationDeadline_Passes_Disconnects()
    {
        await using var harness = await Harness.StartAsync("aes128-gcm@openssh.com", "hmac-sha2-256");
        harness.Server.SetAuthenticationDeadline(TimeSpan.FromMilliseconds(200));
        var failure = await Assert.ThrowsAsync<SshProtocolException>(() => harness.Server.ReceiveAsync(default).AsTask().WaitAsync(Bound));
        Assert.Equal(DisconnectReason.ByApplication, failure.Reason);
        await Assert.ThrowsAsync<SshProtocolException>(() => harness.Server.SendAsync(new byte[] { 200 }, default).AsTask());
    }

    [Fact]
    public async Task SendAsync_TransportMessage_Refused()
    {
        await using var harness = await Harness.StartAsync("aes128-gcm@openssh.com", "hmac-sha2-256");
        await Assert.ThrowsAsync<ArgumentException>(() => harness.Server.SendAsync(new byte[] { (byte)MessageNumber.KexInit }, default).AsTask());
        await Assert.ThrowsAsync<ArgumentException>(() => harness.Server.SendAsync(new byte[SshServerTransport.MaxPayloadLength + 1], default).AsTask());
    }

    internal static SshServerOptions Options() => new() { HostKeys = [HostKey] };

    /// <summary>A server that prefers <paramref name="firstKex"/> (and maybe an ECDSA host key), and a client that guesses curve25519-sha256 with ssh-ed25519.</summary>
    private static async Task<Harness> GuessingHarnessAsync(string firstKex, bool ecdsaHostKeyFirst)
    {
        var (serverStream, clientStream) = InterceptablePipeStream.CreatePair();
        var kex = SshServerOptions.DefaultKeyExchangeAlgorithms;
        var options = new SshServerOptions
        {
            HostKeys = ecdsaHostKeyFirst ? [EcdsaHostKey, HostKey] : [HostKey],
            KeyExchangeAlgorithms = [.. kex.Where(k => k.Name == firstKex), .. kex.Where(k => k.Name != firstKex)],
        };
        var accept = SshServerTransport.AcceptAsync(serverStream, options, new RecordingLogger(), default);
        var client = await SpecSshClient.StartAsync(clientStream).WaitAsync(Bound);
        await client.KeyExchangeAsync(null, sendOurs: true, guess: true).WaitAsync(Bound);
        await client.RequestServiceAsync("ssh-userauth").WaitAsync(Bound);
        return new Harness(await accept.WaitAsync(Bound), client, clientStream);
    }

    internal sealed record Rejection(SshProtocolException Exception, DisconnectReason? DisconnectReason);

    internal sealed record IdentificationRefusal(SshProtocolException Exception, string Output, RecordingLogger Logger);

    /// <summary>Sends <paramref name="bytes"/> as the client, expects the server to refuse, and reads all it wrote until it closed.</summary>
    private static async Task<IdentificationRefusal> RefuseIdentificationAsync(byte[] bytes)
    {
        var (serverStream, clientStream) = InterceptablePipeStream.CreatePair();
        await using (clientStream)
        {
            var logger = new RecordingLogger();
            var accept = SshServerTransport.AcceptAsync(serverStream, Options(), logger, default);
            await clientStream.WriteAsync(bytes);
            var exception = await Assert.ThrowsAsync<SshProtocolException>(() => accept.WaitAsync(Bound));
            using var output = new MemoryStream();
            await clientStream.CopyToAsync(output).WaitAsync(Bound);
            return new IdentificationRefusal(exception, System.Text.Encoding.Latin1.GetString(output.ToArray()), logger);
        }
    }

    internal sealed class Harness : IAsyncDisposable
    {
        public Harness(SshServerTransport server, SpecSshClient client, InterceptablePipeStream clientStream)
        {
            Server = server;
            Client = client;
            ClientStream = clientStream;
        }

        public SshServerTransport Server { get; }

        public SpecSshClient Client { get; }

        public InterceptablePipeStream ClientStream { get; }

        public static async Task<Harness> StartAsync(string cipher, string mac, bool strict = true, Func<SshServerOptions, SshServerOptions>? options = null, RecordingLogger? logger = null)
        {
            var (serverStream, clientStream) = InterceptablePipeStream.CreatePair();
            var serverOptions = options is null ? Options() : options(Options());
            var accept = SshServerTransport.AcceptAsync(serverStream, serverOptions, logger ?? new RecordingLogger(), default);
            var client = await SpecSshClient.ConnectAsync(clientStream, cipher, mac, strict).WaitAsync(Bound);
            return new Harness(await accept.WaitAsync(Bound), client, clientStream);
        }

        /// <summary>Runs <paramref name="act"/> as the client and expects the server to refuse the connection.</summary>
        public static Task<Rejection> RejectAsync(Func<InterceptablePipeStream, Task> act, SshServerOptions? options = null)
            => RejectAsync(
                async stream =>
                {
                    await act(stream);
                    return null;
                },
                options);

        /// <summary>As above, with a spec client whose reader then looks for the DISCONNECT.</summary>
        public static async Task<Rejection> RejectAsync(Func<InterceptablePipeStream, Task<SpecSshClient?>> act, SshServerOptions? options = null)
        {
            var (serverStream, clientStream) = InterceptablePipeStream.CreatePair();
            var accept = SshServerTransport.AcceptAsync(serverStream, options ?? Options(), new RecordingLogger(), default);
            var client = await act(clientStream).WaitAsync(Bound);
            var exception = await Assert.ThrowsAsync<SshProtocolException>(() => accept.WaitAsync(Bound));
            var reason = client is null ? await ReadDisconnectAsync(clientStream).WaitAsync(Bound) : await ReadDisconnectAsync(client).WaitAsync(Bound);
            await clientStream.DisposeAsync();
            return new Rejection(exception, reason);
        }

        public async Task<byte[]?> ReceiveOnServerAsync()
        {
            var payload = await Server.ReceiveAsync(default).AsTask().WaitAsync(Bound);
            return payload?.ToArray();
        }

        public async ValueTask DisposeAsync()
        {
            await Server.DisposeAsync();
            await Client.DisposeAsync();
        }

        private static async Task<DisconnectReason?> ReadDisconnectAsync(SpecSshClient client)
        {
            try
            {
                while (await client.ReadRawAsync() is { } packet)
                {
                    if (packet[0] == (byte)MessageNumber.Disconnect)
                        return (DisconnectReason)new SshReader(packet.AsSpan(1)).ReadUInt32();
                }

                return null;
            }
            catch (Exception e) when (e is SshProtocolException or IOException)
            {
                return null;
            }
        }

        /// <summary>Reads what the server sent (version line, plaintext packets) and returns the reason of its DISCONNECT, if any.</summary>
        private static async Task<DisconnectReason?> ReadDisconnectAsync(Stream stream)
        {
            var reader = new PacketReader(stream);
            try
            {
                await reader.ReadLineAsync(255, default);
                while (await reader.ReadPacketAsync(default) is { } packet)
                {
                    if (packet.Span[0] == (byte)MessageNumber.Disconnect)
                        return (DisconnectReason)new SshReader(packet.Span[1..]).ReadUInt32();
                }

                return null;
            }
            catch (SshProtocolException)
            {
                return null;
            }
            finally
            {
                reader.Dispose();
            }
        }
    }
}
