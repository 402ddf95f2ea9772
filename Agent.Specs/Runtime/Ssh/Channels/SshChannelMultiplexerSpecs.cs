using System.Security.Cryptography;
using Agent.Runtime.Ssh.Channels;
using Agent.Runtime.Ssh.Connection;
using Agent.Runtime.Ssh.Wire;
using Agent.Specs.Fakes.Ssh;

namespace Agent.Specs.Runtime.Ssh.Channels;

public class SshChannelMultiplexerSpecs
{
    [Fact]
    public async Task Open_UnknownChannelType_FailsWithUnknownChannelType()
    {
        await using var harness = await SshServerHarness.LoggedInAsync();
        var channel = await harness.Client.OpenAsync("x11");
        Assert.False(channel.OpenResult);
        Assert.Equal((uint)ChannelOpenFailureReason.UnknownChannelType, channel.OpenFailureReason);
    }

    [Fact]
    public async Task Request_Unknown_AnswersFailure()
    {
        await using var harness = await SshServerHarness.LoggedInAsync();
        var channel = await harness.Client.OpenAsync();
        Assert.False(await harness.Client.RequestAsync(channel, "no-such-request@example.com"));
        Assert.True(await harness.Client.RequestAsync(channel, "env", w => w.WriteString("A").WriteString("b")));
    }

    [Fact]
    public async Task GlobalRequest_KeepaliveAndUnknown_AnswerFailure()
    {
        await using var harness = await SshServerHarness.LoggedInAsync();
        Assert.Equal((byte)MessageNumber.RequestFailure, (await harness.Client.GlobalRequestAsync("keepalive@openssh.com"))[0]);
        Assert.Equal((byte)MessageNumber.RequestFailure, (await harness.Client.GlobalRequestAsync("tcpip-forward", w => w.WriteString("127.0.0.1").WriteUInt32(0)))[0]);
    }

    [Fact]
    public async Task GlobalRequest_Registered_AnswersSuccessWithItsResponseFields()
    {
        SshGlobalRequestHandler handler = (connection, data, _) =>
        {
            var reader = new SshReader(data.Span);
            reader.ReadString();
            var port = reader.ReadUInt32();
            Assert.Equal("coder", connection.UserName);
            return ValueTask.FromResult(new SshGlobalRequestResult(true, new SshWriter().WriteUInt32(port == 0 ? 40123u : port).ToArray()));
        };
        await using var harness = await SshServerHarness.LoggedInAsync(options => With(options, globalRequests: new Dictionary<string, SshGlobalRequestHandler> { ["tcpip-forward"] = handler }));
        var reply = await harness.Client.GlobalRequestAsync("tcpip-forward", w => w.WriteString("127.0.0.1").WriteUInt32(0));
        var reader = new SshReader(reply);
        Assert.Equal(MessageNumber.RequestSuccess, reader.ReadMessageNumber());
        Assert.Equal(40123u, reader.ReadUInt32());
    }

    [Fact]
    public async Task ChannelType_Registered_ReceivesTheOpenFieldsAndCanRefuse()
    {
        SshChannelOpenHandler handler = (channel, data, _) =>
        {
            var reader = new SshReader(data.Span);
            var host = reader.ReadString();
            return ValueTask.FromResult(SshChannelOpenResult.Reject(ChannelOpenFailureReason.ConnectFailed, "cannot reach " + host));
        };
        await using var harness = await SshServerHarness.LoggedInAsync(options => With(options, channelTypes: new Dictionary<string, SshChannelOpenHandler> { ["direct-tcpip"] = handler }));
        var extra = new SshWriter().WriteString("localhost").WriteUInt32(1).WriteString("127.0.0.1").WriteUInt32(5000).ToArray();
        var channel = await harness.Client.OpenAsync("direct-tcpip", extra: extra);
        Assert.False(channel.OpenResult);
        Assert.Equal((uint)ChannelOpenFailureReason.ConnectFailed, channel.OpenFailureReason);
        var session = await harness.Client.ExecAsync("echo still here");
        await harness.Client.WaitClosedAsync(session);
        Assert.Equal("still here\n", harness.Client.Read(() => session.StdoutText));
    }

    [Fact]
    public async Task Output_LargerThanTheClientsWindow_WaitsForWindowAdjust()
    {
        await using var harness = await SshServerHarness.LoggedInAsync();
        harness.Client.AutoAdjustWindow = false;
        var channel = await harness.Client.OpenAsync(window: 10_000, maxPacket: 4_000);
        Assert.True(await harness.Client.RequestAsync(channel, "exec", w => w.WriteString("head -c 100000 /dev/zero")));
        await harness.Client.WaitAsync(() => channel.Stdout.Length == 10_000, "the first window of output");
        var sentBefore = harness.Transport.SentBytes;
        await Task.Yield();
        Assert.Equal(10_000, harness.Client.Read(() => channel.Stdout.Length));
        Assert.Equal(sentBefore, harness.Transport.SentBytes);
        harness.Client.AdjustWindow(channel, 90_000);
        await harness.Client.WaitClosedAsync(channel);
        Assert.Equal(100_000, harness.Client.Read(() => channel.Stdout.Length));
        Assert.All(harness.Client.Read(() => channel.DataPacketSizes.ToList()), size => Assert.InRange(size, 1, 4_000));
        Assert.Empty(harness.Client.Violations);
    }

    [Fact]
    public async Task Input_LargerThanTheServersWindow_IsCreditedBackAndTheWindowGrowsForAFastConsumer()
    {
        await using var harness = await SshServerHarness.LoggedInAsync();
        var channel = await harness.Client.ExecAsync("cat");
        var initial = harness.Client.Read(() => channel.RemoteWindow);
        Assert.Equal(SshChannelLimits.InitialWindow, initial);
        var data = RandomNumberGenerator.GetBytes((int)SshChannelLimits.MaxWindow * 2 + 12345);
        await harness.Client.SendDataAsync(channel, data);
        harness.Client.SendEof(channel);
        await harness.Client.WaitClosedAsync(channel);
        Assert.True(harness.Client.Read(() => channel.WindowAdjustsReceived) >= 3);
        Assert.True(harness.Client.Read(() => channel.LargestWindowAdjust) > SshChannelLimits.InitialWindow, "cat keeps up, so the window grew beyond its initial size");
        Assert.Equal(SHA256.HashData(data), SHA256.HashData(harness.Client.Read(() => channel.Stdout.ToArray())));
        Assert.Empty(harness.Client.Violations);
    }

    [Fact]
    public async Task Input_EveryDataPayload_GoesBackToTheTransportOnceAfterItsConsumerWroteIt()
    {
        await using var harness = await SshServerHarness.LoggedInAsync();
        var channel = await harness.Client.ExecAsync("cat");
        var data = RandomNumberGenerator.GetBytes((int)SshChannelLimits.InitialWindow * 3 + 777);

        await harness.Client.SendDataAsync(channel, data);
        harness.Client.SendEof(channel);
        await harness.Client.WaitClosedAsync(channel);

        // The fake overwrites a payload as soon as it is handed back: cat's output is intact only if no byte was read after.
        Assert.Equal(SHA256.HashData(data), SHA256.HashData(harness.Client.Read(() => channel.Stdout.ToArray())));
        var dataPayloads = harness.Transport.Releases.Where(r => r.Message == (byte)MessageNumber.ChannelData).ToList();
        Assert.True(dataPayloads.Count >= data.Length / SshChannelMultiplexer.LocalMaxPacket, $"{dataPayloads.Count} data payloads");
        Assert.All(dataPayloads, r => Assert.Equal(1, r.Releases));
        Assert.Empty(harness.Transport.ReleaseViolations);
    }

    [Fact]
    public async Task Data_BeyondTheGrantedWindow_IsAProtocolError()
    {
        await using var harness = await SshServerHarness.LoggedInAsync();
        var channel = await harness.Client.OpenAsync();
        var chunk = new byte[SshChannelMultiplexer.LocalMaxPacket];
        for (var sent = 0L; sent <= SshChannelLimits.InitialWindow; sent += chunk.Length)
            harness.Client.Send(SshTestClient.Message(MessageNumber.ChannelData, w => w.WriteUInt32(channel.RemoteId).WriteBinary(chunk)));
        await harness.Server.WaitAsync(SshTestClient.Deadline);
        Assert.Equal(DisconnectReason.ProtocolError, harness.Transport.DisconnectedWith);
    }

    [Fact]
    public async Task Message_ForAChannelThatIsNotOpen_IsAProtocolError()
    {
        await using var harness = await SshServerHarness.LoggedInAsync();
        harness.Client.Send(SshTestClient.Message(MessageNumber.ChannelEof, w => w.WriteUInt32(77)));
        await harness.Server.WaitAsync(SshTestClient.Deadline);
        Assert.Equal(DisconnectReason.ProtocolError, harness.Transport.DisconnectedWith);
        Assert.Contains(harness.Logger.Warnings, w => w.Contains("channel 77", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ManySessions_AtOnce_EachGetItsOwnOutput()
    {
        await using var harness = await SshServerHarness.LoggedInAsync();
        var channels = await Task.WhenAll(Enumerable.Range(0, SshChannelLimits.DefaultMaxSessions).Select(i => harness.Client.ExecAsync($"echo channel {i}")));
        await Task.WhenAll(channels.Select(harness.Client.WaitClosedAsync));
        for (var i = 0; i < channels.Length; i++)
        {
            var channel = channels[i];
            Assert.Equal($"channel {i}\n", harness.Client.Read(() => channel.StdoutText));
            Assert.Equal(0u, harness.Client.Read(() => channel.ExitStatus));
        }

        Assert.Empty(harness.Client.Violations);
    }

    [Fact]
    public async Task Sessions_BeyondMaxSessions_AreAdministrativelyProhibitedAndLogged_AndClosingFreesOne()
    {
        await using var harness = await SshServerHarness.LoggedInAsync();
        var open = new List<TestChannel>();
        for (var i = 0; i < SshChannelLimits.DefaultMaxSessions; i++)
            open.Add(await harness.Client.OpenAsync());
        Assert.All(open, c => Assert.True(c.OpenResult));

        var refused = await harness.Client.OpenAsync();

        Assert.False(refused.OpenResult);
        Assert.Equal((uint)ChannelOpenFailureReason.AdministrativelyProhibited, refused.OpenFailureReason);
        Assert.Contains(harness.Logger.Warnings, w => w.Contains("refusing a session channel: 10 sessions are open", StringComparison.Ordinal));
        harness.Client.SendClose(open[0]);
        await harness.Client.WaitClosedAsync(open[0]);
        var again = await harness.Client.OpenAsync();
        Assert.True(again.OpenResult);
    }

    [Fact]
    public async Task ForwardingChannels_BeyondTheirBound_FailWithResourceShortage_WhileSessionsStillOpen()
    {
        SshChannelOpenHandler accept = (channel, _, _) => ValueTask.FromResult(SshChannelOpenResult.Accept(new IdleChannel()));
        await using var harness = await SshServerHarness.LoggedInAsync(options => With(options, channelTypes: new Dictionary<string, SshChannelOpenHandler> { ["direct-tcpip"] = accept }));
        var open = new List<TestChannel>();
        for (var i = 0; i < SshChannelLimits.DefaultMaxOtherChannels; i++)
            open.Add(await harness.Client.OpenAsync("direct-tcpip"));
        Assert.All(open, c => Assert.True(c.OpenResult));

        var refused = await harness.Client.OpenAsync("direct-tcpip");
        var session = await harness.Client.OpenAsync();

        Assert.False(refused.OpenResult);
        Assert.Equal((uint)ChannelOpenFailureReason.ResourceShortage, refused.OpenFailureReason);
        Assert.Contains(harness.Logger.Warnings, w => w.Contains("refusing a direct-tcpip channel: 256 forwarding channels are open", StringComparison.Ordinal));
        Assert.True(session.OpenResult);
    }

    private static SshConnectionOptions With(
        SshConnectionOptions options,
        Dictionary<string, SshGlobalRequestHandler>? globalRequests = null,
        Dictionary<string, SshChannelOpenHandler>? channelTypes = null)
        => SshServerHarness.WithChannelTypes(options, channelTypes ?? new Dictionary<string, SshChannelOpenHandler>()) with
        {
            GlobalRequests = globalRequests ?? new Dictionary<string, SshGlobalRequestHandler>(),
        };

    private sealed class IdleChannel : ISshChannelHandler
    {
        public ValueTask<bool> OnRequestAsync(SshChannelRequest request, CancellationToken cancellationToken) => ValueTask.FromResult(false);

        public void OnClosed()
        {
        }
    }
}
