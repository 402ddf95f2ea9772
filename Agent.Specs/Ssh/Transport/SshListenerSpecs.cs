using System.Net;
using System.Net.Sockets;
using Agent.Runtime.Ssh.Keys;
using Agent.Runtime.Ssh.Transport;
using Agent.Specs.Fakes.SshTransport;
using Agent.Specs.Utilities;

namespace Agent.Specs.Ssh.Transport;

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
    public async Task Listener_OverConnectionLimit_ClosesExtraConnection()
    {
        await using var listener = SshListener.Start(new IPEndPoint(IPAddress.Loopback, 0), Options, EchoAsync, new RecordingLogger(), maxConnections: 1);
        using var first = new TcpClient();
        await first.ConnectAsync(listener.LocalEndPoint);
        await using var client = await SpecSshClient.ConnectAsync(first.GetStream()).WaitAsync(Bound);

        using var second = new TcpClient();
        await second.ConnectAsync(listener.LocalEndPoint);
        var buffer = new byte[256];
        Assert.Equal(0, await second.GetStream().ReadAsync(buffer).AsTask().WaitAsync(Bound));
    }

    private static async Task EchoAsync(SshServerTransport transport, CancellationToken cancellationToken)
    {
        while (await transport.ReceiveAsync(cancellationToken) is { } payload)
            await transport.SendAsync(payload, cancellationToken);
    }
}
