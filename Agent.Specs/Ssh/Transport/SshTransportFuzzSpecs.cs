using System.Diagnostics;
using Agent.Runtime.Ssh.Keys;
using Agent.Runtime.Ssh.Transport;
using Agent.Runtime.Ssh.Wire;
using Agent.Specs.Fakes.SshTransport;
using Agent.Specs.Utilities;

namespace Agent.Specs.Ssh.Transport;

/// <summary>Random and mutated input into the transport's parsers (fixed seed, bounded time): only SshProtocolException comes out.</summary>
public class SshTransportFuzzSpecs
{
    private const int Seed = 20261127;
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(4);
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);
    private static readonly Ed25519HostKey HostKey = Ed25519HostKey.Generate();

    [Fact]
    public async Task Accept_RandomAndMutatedPackets_OnlySshProtocolExceptionAndBoundedMemory()
    {
        var random = new Random(Seed);
        var valid = await ValidClientBytesAsync();
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var clock = Stopwatch.StartNew();
        var iterations = 0;
        while (clock.Elapsed < Budget && iterations < 500)
        {
            iterations++;
            var input = random.Next(4) == 0 ? RandomBytes(random) : Mutate(random, valid);
            var (serverStream, clientStream) = InterceptablePipeStream.CreatePair();
            var accept = SshServerTransport.AcceptAsync(serverStream, new SshServerOptions { HostKeys = [HostKey] }, new RecordingLogger(), default);
            await clientStream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(SpecSshClient.Version + "\r\n"));
            await clientStream.WriteAsync(input);
            await clientStream.DisposeAsync();
            var failure = await Record.ExceptionAsync(() => accept.WaitAsync(Bound));
            Assert.True(failure is SshProtocolException, $"iteration {iterations}: {failure}");
        }

        var after = GC.GetTotalMemory(forceFullCollection: true);
        Assert.True(iterations >= 20, $"only {iterations} iterations ran");
        Assert.True(after - before < 64L * 1024 * 1024, $"memory grew by {(after - before) / 1024} KiB over {iterations} connections");
    }

    [Fact]
    public void KexInitParse_MutatedMessages_OnlySshProtocolException()
    {
        var random = new Random(Seed);
        var valid = KexInitMessage.Create(["curve25519-sha256", "ext-info-c"], ["ssh-ed25519"], ["aes128-ctr"], ["hmac-sha2-256"]).Payload;
        for (var i = 0; i < 20_000; i++)
        {
            var input = Mutate(random, valid);
            var failure = Record.Exception(() => KexInitMessage.Parse(input));
            Assert.True(failure is null or SshProtocolException, failure?.ToString());
        }
    }

    [Fact]
    public async Task Transport_GarbageAfterKex_OnlySshProtocolException()
    {
        var random = new Random(Seed);
        for (var i = 0; i < 10; i++)
        {
            await using var harness = await SshServerTransportSpecs.Harness.StartAsync(i % 2 == 0 ? "chacha20-poly1305@openssh.com" : "aes128-ctr", "hmac-sha2-256");
            await harness.Client.SendRawAsync(RandomBytes(random));
            await harness.ClientStream.DisposeAsync();
            var failure = await Record.ExceptionAsync(() => harness.Server.ReceiveAsync(default).AsTask().WaitAsync(Bound));
            Assert.True(failure is null or SshProtocolException, failure?.ToString());
        }
    }

    private static byte[] RandomBytes(Random random)
    {
        var bytes = new byte[random.Next(1, 2048)];
        random.NextBytes(bytes);
        return bytes;
    }

    private static byte[] Mutate(Random random, byte[] valid)
    {
        var bytes = valid.ToList();
        var mutations = random.Next(1, 6);
        for (var m = 0; m < mutations && bytes.Count > 0; m++)
        {
            var at = random.Next(bytes.Count);
            switch (random.Next(5))
            {
                case 0:
                    bytes[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    bytes[at] = (byte)random.Next(256);
                    break;
                case 2:
                    bytes.RemoveRange(at, Math.Min(bytes.Count - at, random.Next(1, 16)));
                    break;
                case 3:
                    bytes.InsertRange(at, Enumerable.Range(0, random.Next(1, 16)).Select(_ => (byte)random.Next(256)));
                    break;
                default:
                    byte[] extreme = [0xFF, 0xFF, 0xFF, 0xFF];
                    for (var k = 0; k < 4 && at + k < bytes.Count; k++)
                        bytes[at + k] = random.Next(2) == 0 ? extreme[k] : (byte)0;
                    break;
            }
        }

        return bytes.ToArray();
    }

    /// <summary>What a client sends after its version line: KEXINIT, KEX_ECDH_INIT and NEWKEYS in plaintext packets.</summary>
    private static async Task<byte[]> ValidClientBytesAsync()
    {
        using var memory = new MemoryStream();
        using var writer = new PacketWriter(memory);
        var kexInit = KexInitMessage.Create(["curve25519-sha256", "ext-info-c", "kex-strict-c-v00@openssh.com"], ["ssh-ed25519"], ["aes128-gcm@openssh.com"], ["hmac-sha2-256"]);
        await writer.WritePacketAsync(kexInit.Payload, default);
        var clientKey = new byte[32];
        Org.BouncyCastle.Math.EC.Rfc7748.X25519.ScalarMultBase(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray(), 0, clientKey, 0);
        await writer.WritePacketAsync(new SshWriter().Write(MessageNumber.KexEcdhInit).WriteBinary(clientKey).ToArray(), default);
        await writer.WritePacketAsync(new byte[] { (byte)MessageNumber.NewKeys }, default);
        return memory.ToArray();
    }
}
