using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Agent.Runtime.Ssh.Channels;
using Agent.Runtime.Ssh.Connection;
using Agent.Runtime.Ssh.Wire;
using Agent.Runtime.Sshd.Forwarding;
using Agent.Runtime.Sshd.Session;
using Agent.Specs.Fakes.Ssh;

namespace Agent.Specs.Runtime.Sshd.Forwarding;

/// <summary>The forwarding handlers in the connection protocol, driven by the in-memory spec client (message level).</summary>
public sealed class SshForwardingSpecs
{
    [Fact]
    public async Task DirectTcpip_ClosedPort_OpenFailsWithConnectFailedAndTheConnectionGoesOn()
    {
        await using var harness = await SshServerHarness.LoggedInAsync(WithForwarding, WithForwarding);

        var channel = await harness.Client.OpenAsync(SshForwarding.DirectTcpip, extra: DirectTcpip("127.0.0.1", Agent.Specs.Utilities.FreePort.Next()));
        var session = await harness.Client.ExecAsync("echo still here");
        await harness.Client.WaitClosedAsync(session);

        Assert.False(channel.OpenResult);
        Assert.Equal((uint)ChannelOpenFailureReason.ConnectFailed, channel.OpenFailureReason);
        Assert.Equal("still here\n", harness.Client.Read(() => session.StdoutText));
        Assert.Empty(harness.Client.Violations);
    }

    [Fact]
    public async Task DirectTcpip_ServerClosesItsSideFirst_ChannelGetsEofAndStillCarriesClientData()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        await using var harness = await SshServerHarness.LoggedInAsync(WithForwarding, WithForwarding);

        var channel = await harness.Client.OpenAsync(SshForwarding.DirectTcpip, extra: DirectTcpip("127.0.0.1", ((IPEndPoint)listener.LocalEndpoint).Port));
        using var accepted = await listener.AcceptSocketAsync().WaitAsync(SshTestClient.Deadline);
        await accepted.SendAsync(Encoding.ASCII.GetBytes("banner"));
        accepted.Shutdown(SocketShutdown.Send);
        await harness.Client.WaitAsync(() => channel.Eof, "EOF on the channel");
        var closedEarly = harness.Client.Read(() => channel.Closed);
        await harness.Client.SendDataAsync(channel, Encoding.ASCII.GetBytes("late reply"));
        harness.Client.SendEof(channel);
        var received = await ReadToEndAsync(accepted);
        await harness.Client.WaitClosedAsync(channel);

        Assert.True(channel.OpenResult);
        Assert.Equal("banner", harness.Client.Read(() => channel.StdoutText));
        Assert.False(closedEarly);
        Assert.Equal("late reply", received);
        Assert.Equal(["data", "eof"], harness.Client.Read(() => channel.Events.Where(e => e is "data" or "eof").Distinct().ToList()));
        Assert.Empty(harness.Client.Violations);
    }

    [Fact]
    public async Task TcpipForward_PortZeroThenCancel_ReplyCarriesTheBoundPortAndCancelClosesIt()
    {
        await using var harness = await SshServerHarness.LoggedInAsync(WithForwarding, WithForwarding);

        var reply = await harness.Client.GlobalRequestAsync(SshForwarding.TcpipForward, w => w.WriteString("localhost").WriteUInt32(0));
        var port = (int)BinaryPrimitives.ReadUInt32BigEndian(reply.AsSpan(1));
        var listening = CanConnect(port);
        var cancel = await harness.Client.GlobalRequestAsync(SshForwarding.CancelTcpipForward, w => w.WriteString("localhost").WriteUInt32((uint)port));
        var cancelAgain = await harness.Client.GlobalRequestAsync(SshForwarding.CancelTcpipForward, w => w.WriteString("localhost").WriteUInt32((uint)port));

        Assert.Equal((byte)MessageNumber.RequestSuccess, reply[0]);
        Assert.Equal(5, reply.Length);
        Assert.True(listening);
        Assert.Equal((byte)MessageNumber.RequestSuccess, cancel[0]);
        Assert.False(CanConnect(port));
        Assert.Equal((byte)MessageNumber.RequestFailure, cancelAgain[0]);
    }

    [Fact]
    public async Task TcpipForward_ExplicitPort_ReplyHasNoPortAndTheSamePortTwiceIsRefused()
    {
        await using var harness = await SshServerHarness.LoggedInAsync(WithForwarding, WithForwarding);
        var port = (uint)Agent.Specs.Utilities.FreePort.Next();

        var first = await harness.Client.GlobalRequestAsync(SshForwarding.TcpipForward, w => w.WriteString("127.0.0.1").WriteUInt32(port));
        var second = await harness.Client.GlobalRequestAsync(SshForwarding.TcpipForward, w => w.WriteString("127.0.0.1").WriteUInt32(port));

        Assert.Equal([(byte)MessageNumber.RequestSuccess], first);
        Assert.Equal((byte)MessageNumber.RequestFailure, second[0]);
    }

    [Fact]
    public async Task TcpipForward_ListenersOfAConnection_ClosedWhenItEnds()
    {
        var harness = await SshServerHarness.LoggedInAsync(WithForwarding, WithForwarding);
        var reply = await harness.Client.GlobalRequestAsync(SshForwarding.TcpipForward, w => w.WriteString(string.Empty).WriteUInt32(0));
        var port = (int)BinaryPrimitives.ReadUInt32BigEndian(reply.AsSpan(1));
        Assert.True(CanConnect(port));

        harness.Transport.ClientClose();
        await harness.Server.WaitAsync(SshTestClient.Deadline);

        Assert.False(CanConnect(port));
        await harness.DisposeAsync();
    }

    private static readonly SshForwardingOptions Forwarding = new()
    {
        HomeDirectory = () => Path.GetTempPath(),
        Logger = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance,
    };

    private static SshConnectionOptions WithForwarding(SshConnectionOptions options)
        => SshServerHarness.WithChannelTypes(options, SshForwarding.ChannelTypes(Forwarding)) with { GlobalRequests = SshForwarding.GlobalRequests(Forwarding) };

    private static SshSessionOptions WithForwarding(SshSessionOptions options)
        => options with { SessionRequests = SshForwarding.SessionRequests(Forwarding) };

    private static byte[] DirectTcpip(string host, int port)
        => new SshWriter().WriteString(host).WriteUInt32((uint)port).WriteString("127.0.0.1").WriteUInt32(50000).ToArray();

    private static bool CanConnect(int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static async Task<string> ReadToEndAsync(Socket socket)
    {
        using var timeout = new CancellationTokenSource(SshTestClient.Deadline);
        var received = new MemoryStream();
        var buffer = new byte[4096];
        int count;
        while ((count = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token)) > 0)
            received.Write(buffer, 0, count);
        return Encoding.ASCII.GetString(received.ToArray());
    }
}
