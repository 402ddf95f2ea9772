using System.Net;
using System.Net.Sockets;
using Agent.Runtime.Ssh.Keys;
using Agent.Runtime.Ssh.Transport;
using Agent.Runtime.Sshd.Server;
using Agent.Specs.Fakes.SshTransport;
using Agent.Specs.Utilities;

namespace Agent.Specs.Runtime.Sshd.Server;

public class SshListenerSpecs
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);
    private static readonly SshServerOptions Options = new() { HostKeys = [Ed25519HostKey.Generate()] };

    [Fact]
    public async Task Listener_ConcurrentClientsAndOneBadOne_GoodOnesEcho()
    {
        var logger = new RecordingLogger();
        await using var listener = SshListener.Start(new IPEndPoint(IPAddress.Loopback, 0), Options, EchoAsync, logger);

        using var bad = new TcpClient();
        await bad.ConnectAsync(listener.LocalEndPoint);
        await bad.GetStream().WriteAsync("SSH-9.9-broken\r\n"u8.ToArray());

        var clients = await Task.WhenAll(Enumerable.Range(0, 4).Select(async i =>
        {
            var tcp = new TcpClient();
            await tcp.ConnectAsync(listener.LocalEndPoint);
            var client = await SpecSshClient.ConnectAsync(tcp.GetStream(), "chacha20-poly1305@openssh.com");
            byte[] payload = [200, (byte)i];
            await client.SendAsync(payload);
            Assert.Equal(payload, await client.ReceiveAsync());
            return client;
        })).WaitAsync(Bound);

        Assert.Equal(4, listener.ActiveConnections);
        foreach (var client in clients)
            await client.DisposeAsync();
        await Eventually.WaitAsync(() => listener.ActiveConnections == 0, "connections to end");
        Assert.Contains(logger.Warnings, w => w.Contains("unsupported protocol version"));
    }

    [Fact]
    public async Task Listener_SourceAtItsCap_ClosesItsNextConnectionsAndServesAnotherSource()
    {
        var logger = new RecordingLogger();
        var admission = new SshAdmission(new SshAdmissionLimits(PerSource: 2));
        await using var listener = SshListener.Start(new IPEndPoint(IPAddress.Loopback, 0), Options, EchoAsync, logger, admission);
        using var silent1 = await ConnectFromAsync("127.0.0.2", listener.LocalEndPoint);
        using var silent2 = await ConnectFromAsync("127.0.0.2", listener.LocalEndPoint);
        await Eventually.WaitAsync(() => admission.Unauthenticated == 2, "both silent connections to be admitted");

        for (var i = 0; i < 20; i++)
        {
            using var refused = await ConnectFromAsync("127.0.0.2", listener.LocalEndPoint);
            Assert.Equal(0, await refused.GetStream().ReadAsync(new byte[256]).AsTask().WaitAsync(Bound));
        }

        using var other = await ConnectFromAsync("127.0.0.1", listener.LocalEndPoint);
        await using var client = await SpecSshClient.ConnectAsync(other.GetStream()).WaitAsync(Bound);
        byte[] payload = [200, 1];
        await client.SendAsync(payload);
        Assert.Equal(payload, await client.ReceiveAsync().WaitAsync(Bound));
        Assert.Equal(3, admission.Unauthenticated);
        Assert.Single(logger.Warnings, w => w.Contains("refused: PerSource", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Listener_ConnectionEnds_FreesItsSlot()
    {
        var admission = new SshAdmission(new SshAdmissionLimits(PerSource: 1));
        await using var listener = SshListener.Start(new IPEndPoint(IPAddress.Loopback, 0), Options, EchoAsync, new RecordingLogger(), admission);
        using (var first = await ConnectFromAsync("127.0.0.1", listener.LocalEndPoint))
            await Eventually.WaitAsync(() => admission.Unauthenticated == 1, "the connection to be admitted");
        await Eventually.WaitAsync(() => admission.Unauthenticated == 0, "the closed connection to free its slot");

        using var second = await ConnectFromAsync("127.0.0.1", listener.LocalEndPoint);
        await using var client = await SpecSshClient.ConnectAsync(second.GetStream()).WaitAsync(Bound);
    }

    private static async Task<TcpClient> ConnectFromAsync(string source, IPEndPoint server)
    {
        var client = new TcpClient(new IPEndPoint(IPAddress.Parse(source), 0));
        await client.ConnectAsync(server);
        return client;
    }

    private static async Task EchoAsync(SshServerTransport transport, CancellationToken cancellationToken)
    {
        while (await transport.ReceiveAsync(cancellationToken) is { } payload)
            await transport.SendAsync(payload, cancellationToken);
    }
}
