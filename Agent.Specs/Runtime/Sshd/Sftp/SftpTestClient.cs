using System.Buffers.Binary;
using System.IO.Pipelines;
using Agent.Runtime.Ssh.Wire;
using Agent.Runtime.Sshd.Sftp;
using Agent.Specs.Utilities;

namespace Agent.Specs.Runtime.Sshd.Sftp;

/// <summary>
/// A minimal SFTP v3 client for specs, talking to <see cref="SftpServer"/> over in-memory pipes, or to any server over
/// a pair of streams (an <c>ssh -s host sftp</c> process).
/// </summary>
public sealed class SftpTestClient : IAsyncDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);
    private readonly Stream _output;
    private readonly Stream _input;
    private readonly Func<Task> _hangUp;
    private readonly Func<Task> _stopReading;
    private uint _nextId;

    private SftpTestClient(Stream output, Stream input, Func<Task> hangUp, Func<Task> stopReading, Func<SftpTestClient, Task<int>> server)
    {
        _output = output;
        _input = input;
        _hangUp = hangUp;
        _stopReading = stopReading;
        Server = server(this);
    }

    public RecordingLogger Logger { get; } = new();

    public Task<int> Server { get; }

    public Dictionary<string, string> Extensions { get; } = [];

    public uint Version { get; private set; }

    public static Task<SftpTestClient> StartAsync(SftpServerOptions options)
    {
        var toServer = new Pipe();
        var toClient = new Pipe();
        return InitializeAsync(new SftpTestClient(
            toServer.Writer.AsStream(),
            toClient.Reader.AsStream(),
            async () => await toServer.Writer.CompleteAsync(),
            async () => await toClient.Reader.CompleteAsync(),
            client => Task.Run(() => SftpServer.ServeAsync(toServer.Reader.AsStream(), toClient.Writer.AsStream(), options, client.Logger, CancellationToken.None))));
    }

    /// <summary>A client of the server behind <paramref name="toServer"/>/<paramref name="fromServer"/>; <paramref name="server"/> ends when it does.</summary>
    public static Task<SftpTestClient> ConnectAsync(Stream toServer, Stream fromServer, Task<int> server)
        => InitializeAsync(new SftpTestClient(toServer, fromServer, () => { toServer.Dispose(); return Task.CompletedTask; }, () => Task.CompletedTask, _ => server));

    private static async Task<SftpTestClient> InitializeAsync(SftpTestClient client)
    {
        await client.SendRawAsync(Packet(w =>
        {
            w.Begin(SftpPacketType.Init);
            w.WriteUInt32(3);
            w.End();
        }));
        var reply = await client.ReceiveAsync();
        Assert.Equal(SftpPacketType.Version, reply.Type);
        var reader = new SshReader(reply.Payload);
        client.Version = reader.ReadUInt32();
        while (!reader.AtEnd)
            client.Extensions[reader.ReadString()] = reader.ReadString();
        return client;
    }

    public static byte[] Packet(Action<SftpPacketWriter> build)
    {
        var writer = new SftpPacketWriter(256);
        build(writer);
        return writer.Written.ToArray();
    }

    /// <summary>Sends a request without waiting for its reply; returns its id.</summary>
    public async Task<uint> SendAsync(SftpPacketType type, Action<SftpPacketWriter> body)
    {
        var id = ++_nextId;
        await SendRawAsync(Packet(w =>
        {
            w.Begin(type, id);
            body(w);
            w.End();
        }));
        return id;
    }

    public async Task SendRawAsync(byte[] bytes)
    {
        await _output.WriteAsync(bytes);
        await _output.FlushAsync();
    }

    public async Task<SftpReply> ReceiveAsync()
    {
        using var timeout = new CancellationTokenSource(Deadline);
        var header = new byte[4];
        await _input.ReadExactlyAsync(header, timeout.Token);
        var body = new byte[BinaryPrimitives.ReadUInt32BigEndian(header)];
        await _input.ReadExactlyAsync(body, timeout.Token);
        return new SftpReply((SftpPacketType)body[0], body[1..]);
    }

    public async Task<SftpReply> RequestAsync(SftpPacketType type, Action<SftpPacketWriter> body)
    {
        var id = await SendAsync(type, body);
        var reply = await ReceiveAsync();
        if (reply.Type != SftpPacketType.Version)
            Assert.Equal(id, reply.Id);
        return reply;
    }

    public Task<SftpReply> PathRequestAsync(SftpPacketType type, string path)
        => RequestAsync(type, w => w.WriteString(path));

    public Task<SftpReply> OpenAsync(string path, SftpOpenFlags flags, SftpAttributes attributes = default)
        => RequestAsync(SftpPacketType.Open, w =>
        {
            w.WriteString(path);
            w.WriteUInt32((uint)flags);
            attributes.Write(w);
        });

    public async Task<byte[]> OpenHandleAsync(string path, SftpOpenFlags flags, SftpAttributes attributes = default)
    {
        var reply = await OpenAsync(path, flags, attributes);
        Assert.True(reply.Type == SftpPacketType.Handle, $"open {path}: {reply}");
        return reply.Handle;
    }

    public Task<SftpReply> WriteAsync(byte[] handle, ulong offset, byte[] data)
        => RequestAsync(SftpPacketType.Write, w =>
        {
            w.WriteString(handle);
            w.WriteUInt64(offset);
            w.WriteString(data);
        });

    public Task<SftpReply> ReadAsync(byte[] handle, ulong offset, uint length)
        => RequestAsync(SftpPacketType.Read, w =>
        {
            w.WriteString(handle);
            w.WriteUInt64(offset);
            w.WriteUInt32(length);
        });

    public Task<SftpReply> HandleRequestAsync(SftpPacketType type, byte[] handle)
        => RequestAsync(type, w => w.WriteString(handle));

    public Task<SftpReply> TwoPathRequestAsync(SftpPacketType type, string first, string second)
        => RequestAsync(type, w =>
        {
            w.WriteString(first);
            w.WriteString(second);
        });

    public Task<SftpReply> ExtendedAsync(string name, Action<SftpPacketWriter> body)
        => RequestAsync(SftpPacketType.Extended, w =>
        {
            w.WriteString(name);
            body(w);
        });

    /// <summary>Hangs up and returns the server's exit status.</summary>
    public async Task<int> CloseAsync()
    {
        await _hangUp();
        return await Server.WaitAsync(Deadline);
    }

    public async ValueTask DisposeAsync()
    {
        await _hangUp();
        await _stopReading();
        try
        {
            await Server.WaitAsync(Deadline);
        }
        catch (Exception)
        {
            // The server's outcome is asserted by the specs that care; disposal only makes sure it stopped.
        }
    }
}
