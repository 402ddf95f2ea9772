using System.Text;
using Agent.Runtime.Ssh.Wire;
using Agent.Specs.Utilities;

namespace Agent.Specs.Fakes.Ssh;

/// <summary>
/// A small SSH connection-protocol client for specs, speaking plaintext payloads over an
/// <see cref="InMemorySshTransport"/>. A reading loop records everything the server sends; specs wait on it
/// with a deadline. By default it grants the server a large window and credits data back as it arrives.
/// </summary>
public sealed class SshTestClient : IAsyncDisposable
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    private readonly InMemorySshTransport _transport;
    private readonly Lock _gate = new();
    private readonly Dictionary<uint, TestChannel> _channels = [];
    private readonly List<byte[]> _authReplies = [];
    private readonly List<byte[]> _globalReplies = [];
    private readonly List<string> _violations = [];
    private readonly List<string> _serverGlobalRequests = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private uint _nextId = 100;

    public SshTestClient(InMemorySshTransport transport)
    {
        _transport = transport;
        _loop = Task.Run(ReadLoopAsync);
    }

    /// <summary>Whether the client credits received data back to the server right away.</summary>
    public bool AutoAdjustWindow { get; set; } = true;

    public bool ServerClosed { get; private set; }

    /// <summary>Things the server did wrong (data beyond our window, data after EOF, messages after CLOSE).</summary>
    public IReadOnlyList<string> Violations
    {
        get
        {
            lock (_gate)
                return [.. _violations];
        }
    }

    /// <summary>The names of the global requests the server sent (keepalives); the client does not answer them.</summary>
    public IReadOnlyList<string> ServerGlobalRequests
    {
        get
        {
            lock (_gate)
                return [.. _serverGlobalRequests];
        }
    }

    public static byte[] Message(MessageNumber number, Action<SshWriter>? fields = null)
    {
        var writer = new SshWriter().Write(number);
        fields?.Invoke(writer);
        return writer.ToArray();
    }

    public void Send(byte[] payload) => _transport.ClientSend(payload);

    public Task WaitAsync(Func<bool> condition, string what)
        => Eventually.WaitAsync(
            () =>
            {
                lock (_gate)
                    return condition();
            },
            what,
            Deadline);

    /// <summary>The next reply of the userauth layer (SERVICE_ACCEPT, FAILURE, SUCCESS, PK_OK).</summary>
    public async Task<byte[]> NextAuthReplyAsync()
    {
        var index = -1;
        await WaitAsync(() => _authReplies.Count > 0 || ServerClosed, "an authentication reply");
        lock (_gate)
        {
            if (_authReplies.Count == 0)
                throw new InvalidOperationException("the server closed the connection");
            index = 0;
            var reply = _authReplies[index];
            _authReplies.RemoveAt(index);
            return reply;
        }
    }

    /// <summary>Service request, then "none" (must succeed: trusted mode).</summary>
    public async Task LoginTrustedAsync(string user = "coder")
    {
        Send(Message(MessageNumber.ServiceRequest, w => w.WriteString("ssh-userauth")));
        Assert.Equal((byte)MessageNumber.ServiceAccept, (await NextAuthReplyAsync())[0]);
        Send(UserAuthNone(user));
        Assert.Equal((byte)MessageNumber.UserauthSuccess, (await NextAuthReplyAsync())[0]);
    }

    public static byte[] UserAuthNone(string user)
        => Message(MessageNumber.UserauthRequest, w => w.WriteString(user).WriteString("ssh-connection").WriteString("none"));

    public async Task<TestChannel> OpenAsync(string type = "session", uint window = 16 * 1024 * 1024, uint maxPacket = 32 * 1024, byte[]? extra = null)
    {
        TestChannel channel;
        lock (_gate)
        {
            channel = new TestChannel(_nextId++, window);
            _channels[channel.LocalId] = channel;
        }

        Send(Message(MessageNumber.ChannelOpen, w => w.WriteString(type).WriteUInt32(channel.LocalId).WriteUInt32(window).WriteUInt32(maxPacket).WriteRaw(extra ?? [])));
        await WaitAsync(() => channel.OpenResult is not null, $"the reply to opening a {type} channel");
        return channel;
    }

    public async Task<bool> RequestAsync(TestChannel channel, string type, Action<SshWriter>? fields = null)
    {
        int count;
        lock (_gate)
            count = channel.Replies.Count;
        Send(Message(MessageNumber.ChannelRequest, w =>
        {
            w.WriteUInt32(channel.RemoteId).WriteString(type).WriteBoolean(true);
            fields?.Invoke(w);
        }));
        await WaitAsync(() => channel.Replies.Count > count || channel.Closed, $"the reply to {type}");
        lock (_gate)
            return channel.Replies.Count > count && channel.Replies[count];
    }

    public void RequestNoReply(TestChannel channel, string type, Action<SshWriter>? fields = null)
        => Send(Message(MessageNumber.ChannelRequest, w =>
        {
            w.WriteUInt32(channel.RemoteId).WriteString(type).WriteBoolean(false);
            fields?.Invoke(w);
        }));

    public async Task<TestChannel> ExecAsync(string command, params (string Name, string Value)[] environment)
    {
        var channel = await OpenAsync();
        Assert.True(channel.OpenResult);
        foreach (var (name, value) in environment)
            Assert.True(await RequestAsync(channel, "env", w => w.WriteString(name).WriteString(value)));
        Assert.True(await RequestAsync(channel, "exec", w => w.WriteString(command)));
        return channel;
    }

    public Task WaitClosedAsync(TestChannel channel) => WaitAsync(() => channel.Closed, $"channel {channel.LocalId} to close");

    /// <summary>Sends data within the server's window and maximum packet, waiting for WINDOW_ADJUST as needed.</summary>
    public async Task SendDataAsync(TestChannel channel, byte[] data)
    {
        var offset = 0;
        while (offset < data.Length)
        {
            await WaitAsync(() => channel.RemoteWindow > 0, "window from the server");
            int count;
            lock (_gate)
            {
                count = (int)Math.Min(Math.Min(data.Length - offset, channel.RemoteWindow), channel.RemoteMaxPacket);
                channel.RemoteWindow -= count;
                channel.DataSent += count;
            }

            var chunk = data.AsSpan(offset, count).ToArray();
            Send(Message(MessageNumber.ChannelData, w => w.WriteUInt32(channel.RemoteId).WriteBinary(chunk)));
            offset += count;
        }
    }

    public void SendEof(TestChannel channel) => Send(Message(MessageNumber.ChannelEof, w => w.WriteUInt32(channel.RemoteId)));

    public void SendClose(TestChannel channel)
    {
        lock (_gate)
        {
            if (channel.CloseSent)
                return;
            channel.CloseSent = true;
        }

        Send(Message(MessageNumber.ChannelClose, w => w.WriteUInt32(channel.RemoteId)));
    }

    public void AdjustWindow(TestChannel channel, uint bytes)
    {
        lock (_gate)
            channel.LocalWindow += bytes;
        Send(Message(MessageNumber.ChannelWindowAdjust, w => w.WriteUInt32(channel.RemoteId).WriteUInt32(bytes)));
    }

    public async Task<byte[]> GlobalRequestAsync(string name, Action<SshWriter>? fields = null)
    {
        int count;
        lock (_gate)
            count = _globalReplies.Count;
        Send(Message(MessageNumber.GlobalRequest, w =>
        {
            w.WriteString(name).WriteBoolean(true);
            fields?.Invoke(w);
        }));
        await WaitAsync(() => _globalReplies.Count > count, $"the reply to global request {name}");
        lock (_gate)
            return _globalReplies[count];
    }

    public T Read<T>(Func<T> read)
    {
        lock (_gate)
            return read();
    }

    public async ValueTask DisposeAsync()
    {
        _transport.ClientClose();
        await _stop.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task ReadLoopAsync()
    {
        while (true)
        {
            var payload = await _transport.ClientReceiveAsync(_stop.Token);
            if (payload is null)
            {
                lock (_gate)
                    ServerClosed = true;
                return;
            }

            lock (_gate)
                Dispatch(payload);
        }
    }

    private void Dispatch(byte[] payload)
    {
        var reader = new SshReader(payload);
        var number = reader.ReadMessageNumber();
        switch (number)
        {
            case MessageNumber.ServiceAccept:
            case MessageNumber.UserauthFailure:
            case MessageNumber.UserauthSuccess:
            case MessageNumber.UserauthPkOk:
            case MessageNumber.UserauthBanner:
                _authReplies.Add(payload);
                return;
            case MessageNumber.RequestSuccess:
            case MessageNumber.RequestFailure:
                _globalReplies.Add(payload);
                return;
            case MessageNumber.GlobalRequest:
                _serverGlobalRequests.Add(reader.ReadString());
                return;
        }

        if (!_channels.TryGetValue(reader.ReadUInt32(), out var channel))
        {
            _violations.Add($"message {number} for a channel the client does not have");
            return;
        }

        if (channel.Closed)
            _violations.Add($"message {number} after the server's CLOSE on channel {channel.LocalId}");
        switch (number)
        {
            case MessageNumber.ChannelOpenConfirmation:
                channel.RemoteId = reader.ReadUInt32();
                channel.RemoteWindow = reader.ReadUInt32();
                channel.RemoteMaxPacket = reader.ReadUInt32();
                channel.OpenResult = true;
                break;
            case MessageNumber.ChannelOpenFailure:
                channel.OpenFailureReason = reader.ReadUInt32();
                channel.OpenResult = false;
                break;
            case MessageNumber.ChannelWindowAdjust:
                {
                    var adjust = reader.ReadUInt32();
                    channel.RemoteWindow += adjust;
                    channel.WindowAdjustsReceived++;
                    channel.LargestWindowAdjust = Math.Max(channel.LargestWindowAdjust, adjust);
                    break;
                }

            case MessageNumber.ChannelData:
            case MessageNumber.ChannelExtendedData:
                {
                    var extended = number == MessageNumber.ChannelExtendedData;
                    if (extended && reader.ReadUInt32() != 1)
                        _violations.Add("extended data of a type other than stderr");
                    var data = reader.ReadBinary();
                    if (channel.Eof)
                        _violations.Add("data after EOF");
                    if (data.Length > channel.LocalWindow)
                        _violations.Add($"{data.Length} bytes of data with {channel.LocalWindow} bytes of window");
                    channel.LocalWindow -= data.Length;
                    channel.DataPacketSizes.Add(data.Length);
                    (extended ? channel.Stderr : channel.Stdout).Write(data);
                    channel.Events.Add(extended ? "stderr" : "data");
                    if (AutoAdjustWindow)
                    {
                        var credit = (uint)data.Length;
                        channel.LocalWindow += credit;
                        Send(Message(MessageNumber.ChannelWindowAdjust, w => w.WriteUInt32(channel.RemoteId).WriteUInt32(credit)));
                    }

                    break;
                }

            case MessageNumber.ChannelEof:
                channel.Eof = true;
                channel.Events.Add("eof");
                break;
            case MessageNumber.ChannelClose:
                channel.Events.Add("close");
                channel.Closed = true;
                if (!channel.CloseSent)
                    Send(Message(MessageNumber.ChannelClose, w => w.WriteUInt32(channel.RemoteId)));
                channel.CloseSent = true;
                break;
            case MessageNumber.ChannelRequest:
                {
                    var type = reader.ReadString();
                    reader.ReadBoolean();
                    channel.Events.Add(type);
                    if (type == "exit-status")
                    {
                        channel.ExitStatus = reader.ReadUInt32();
                    }
                    else if (type == "exit-signal")
                    {
                        channel.ExitSignal = reader.ReadString();
                        if (reader.ReadBoolean())
                            _violations.Add("core dumped");
                        reader.ReadString();
                        reader.ReadString();
                    }

                    break;
                }

            case MessageNumber.ChannelSuccess:
                channel.Replies.Add(true);
                break;
            case MessageNumber.ChannelFailure:
                channel.Replies.Add(false);
                break;
            default:
                _violations.Add($"unexpected message {number}");
                break;
        }
    }

    public static string Text(byte[] bytes) => Encoding.UTF8.GetString(bytes);
}
