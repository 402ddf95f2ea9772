using System.Text;
using Agent.Runtime.Ssh.Keys;
using Agent.Runtime.Ssh.Transport;
using Agent.Runtime.Ssh.Wire;
using Agent.Specs.Fakes.SshTransport;
using Agent.Specs.Runtime.Ssh.Transport;
using Agent.Specs.Utilities;

namespace Agent.Specs.Fuzz;

/// <summary>
/// The transport before and during the first key exchange: packet framing, KEXINIT, KEX_ECDH_INIT and NEWKEYS in
/// plaintext packets, mutated, after the client's version line; KEXINIT parsing alone; random bytes once the keys are
/// in use. The property: the handshake completes or fails with SshProtocolException, and memory stays bounded.
/// </summary>
[Collection(FuzzCollection.Name)]
public class SshTransportFuzzSpecs
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);
    private static readonly Ed25519HostKey HostKey = Ed25519HostKey.Generate();

    internal static FuzzTarget HandshakeTarget { get; } = new("ssh-transport-handshake", [ValidClientBytes()], AcceptAsync)
    {
        Dictionary = FuzzDictionaries.Ssh,
        MaxInputBytes = 16 * 1024,
    };

    internal static FuzzTarget KexInitTarget { get; } = new("ssh-kexinit", [ClientKexInit().Payload], (input, _) => Task.FromResult(ParseKexInit(input)))
    {
        Dictionary = FuzzDictionaries.Ssh,
        MaxInputBytes = 4 * 1024,
    };

    [Fact]
    public async Task Accept_RandomAndMutatedPackets_OnlySshProtocolExceptionAndBoundedMemory()
    {
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var run = await FuzzSpec.RunAsync(HandshakeTarget, maxExecutions: 2000, minimumExecutions: 20);
        var after = GC.GetTotalMemory(forceFullCollection: true);
        Assert.True(after - before < 64L * 1024 * 1024, $"memory grew by {(after - before) / 1024} KiB over {run.Executions} connections");
    }

    [Fact]
    public async Task KexInitParse_MutatedMessages_OnlySshProtocolException()
        => await FuzzSpec.RunAsync(KexInitTarget, minimumExecutions: 1000);

    [Fact]
    public async Task Transport_GarbageAfterKex_OnlySshProtocolException()
    {
        var random = new Random((int)FuzzSettings.DefaultSeed);
        for (var i = 0; i < 10; i++)
        {
            await using var harness = await SshServerTransportSpecs.Harness.StartAsync(i % 2 == 0 ? "chacha20-poly1305@openssh.com" : "aes128-ctr", "hmac-sha2-256");
            var garbage = new byte[random.Next(1, 2048)];
            random.NextBytes(garbage);
            await harness.Client.SendRawAsync(garbage);
            await harness.ClientStream.DisposeAsync();
            var failure = await Record.ExceptionAsync(() => harness.Server.ReceiveAsync(default).AsTask().WaitAsync(Bound));
            Assert.True(failure is null or SshProtocolException, failure?.ToString());
        }
    }

    internal static KexInitMessage ClientKexInit()
        => KexInitMessage.Create(["curve25519-sha256", "ext-info-c", "kex-strict-c-v00@openssh.com"], ["ssh-ed25519"], ["aes128-gcm@openssh.com"], ["hmac-sha2-256"]);

    private static async Task<FuzzOutcome> AcceptAsync(byte[] input, CancellationToken cancellationToken)
    {
        var (serverStream, clientStream) = InterceptablePipeStream.CreatePair();
        var accept = SshServerTransport.AcceptAsync(serverStream, new SshServerOptions { HostKeys = [HostKey] }, new RecordingLogger(), cancellationToken);
        await clientStream.WriteAsync(Encoding.ASCII.GetBytes(SpecSshClient.Version + "\r\n"), cancellationToken);
        await clientStream.WriteAsync(input, cancellationToken);
        await clientStream.DisposeAsync();
        try
        {
            await using var transport = await accept;
            return FuzzOutcome.Accepted;
        }
        catch (SshProtocolException e) when (e.Reason == DisconnectReason.ConnectionLost)
        {
            // Every byte was taken; the client left before its first encrypted message, as these inputs end there.
            return FuzzOutcome.Accepted;
        }
        catch (SshProtocolException)
        {
            return FuzzOutcome.Refused;
        }
    }

    private static FuzzOutcome ParseKexInit(byte[] input)
    {
        try
        {
            _ = KexInitMessage.Parse(input);
            return FuzzOutcome.Accepted;
        }
        catch (SshProtocolException)
        {
            return FuzzOutcome.Refused;
        }
    }

    /// <summary>What a client sends after its version line: KEXINIT, KEX_ECDH_INIT and NEWKEYS in plaintext packets.</summary>
    private static byte[] ValidClientBytes()
    {
        using var memory = new MemoryStream();
        using var writer = new PacketWriter(memory);
        writer.WritePacketAsync(ClientKexInit().Payload, default).AsTask().GetAwaiter().GetResult();
        var clientKey = new byte[32];
        Org.BouncyCastle.Math.EC.Rfc7748.X25519.ScalarMultBase(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray(), 0, clientKey, 0);
        writer.WritePacketAsync(new SshWriter().Write(MessageNumber.KexEcdhInit).WriteBinary(clientKey).ToArray(), default).AsTask().GetAwaiter().GetResult();
        writer.WritePacketAsync(new byte[] { (byte)MessageNumber.NewKeys }, default).AsTask().GetAwaiter().GetResult();
        return memory.ToArray();
    }
}
