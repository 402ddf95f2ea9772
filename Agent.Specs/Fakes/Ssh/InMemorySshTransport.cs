using System.Net;
using System.Threading.Channels;
using Agent.Runtime.Ssh.Transport;
using Agent.Runtime.Ssh.Wire;

namespace Agent.Specs.Fakes.Ssh;

/// <summary>
/// The server's end of an in-memory connection: plaintext payload queues each way, no crypto. The client end
/// (<see cref="ClientSendAsync"/>, <see cref="ClientReceiveAsync"/>) is driven by <see cref="SshTestClient"/>.
/// </summary>
public sealed class InMemorySshTransport : ISshConnectionTransport
{
    private readonly Channel<byte[]> _toServer = Channel.CreateUnbounded<byte[]>();
    private readonly Channel<byte[]> _toClient = Channel.CreateUnbounded<byte[]>();
    private long _sentBytes;

    public InMemorySshTransport(byte[]? sessionId = null)
    {
        SessionId = sessionId ?? Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
    }

    public ReadOnlyMemory<byte> SessionId { get; }

    public string ClientVersion => "SSH-2.0-SpecClient_1.0";

    public EndPoint? RemoteEndPoint { get; init; } = new IPEndPoint(IPAddress.Parse("10.1.2.3"), 40000);

    public EndPoint? LocalEndPoint { get; init; } = new IPEndPoint(IPAddress.Parse("10.9.8.7"), 2222);

    /// <summary>The reason of the server's DISCONNECT, once it sent one.</summary>
    public DisconnectReason? DisconnectedWith { get; private set; }

    public string? DisconnectDescription { get; private set; }

    /// <summary>Payload bytes the server sent so far.</summary>
    public long SentBytes => Interlocked.Read(ref _sentBytes);

    public async ValueTask<ReadOnlyMemory<byte>?> ReceiveAsync(CancellationToken cancellationToken)
    {
        if (await _toServer.Reader.WaitToReadAsync(cancellationToken) && _toServer.Reader.TryRead(out var payload))
            return payload;
        return null;
    }

    public ValueTask SendAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Interlocked.Add(ref _sentBytes, payload.Length);
        if (!_toClient.Writer.TryWrite(payload.ToArray()))
            throw new IOException("the connection is closed");
        return ValueTask.CompletedTask;
    }

    public ValueTask DisconnectAsync(DisconnectReason reason, string description)
    {
        DisconnectedWith ??= reason;
        DisconnectDescription ??= description;
        _toClient.Writer.TryComplete();
        _toServer.Writer.TryComplete();
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        _toClient.Writer.TryComplete();
        _toServer.Writer.TryComplete();
        return ValueTask.CompletedTask;
    }

    public void ClientSend(byte[] payload) => _toServer.Writer.TryWrite(payload);

    public ValueTask ClientSendAsync(byte[] payload)
    {
        ClientSend(payload);
        return ValueTask.CompletedTask;
    }

    /// <summary>The next payload from the server; <c>null</c> once the server closed.</summary>
    public async ValueTask<byte[]?> ClientReceiveAsync(CancellationToken cancellationToken)
    {
        if (await _toClient.Reader.WaitToReadAsync(cancellationToken) && _toClient.Reader.TryRead(out var payload))
            return payload;
        return null;
    }

    /// <summary>The client goes away (like a dropped TCP connection).</summary>
    public void ClientClose() => _toServer.Writer.TryComplete();

    /// <summary>How many times the connection layer reported a successful authentication.</summary>
    public int AuthenticationsCompleted { get; private set; }

    public void CompleteAuthentication() => AuthenticationsCompleted++;
}
