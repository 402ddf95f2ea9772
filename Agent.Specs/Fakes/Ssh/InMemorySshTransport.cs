using System.Collections.Concurrent;
using System.Net;
using System.Runtime.InteropServices;
using System.Threading.Channels;
using Agent.Runtime.Ssh.Transport;
using Agent.Runtime.Ssh.Wire;

namespace Agent.Specs.Fakes.Ssh;

/// <summary>
/// The server's end of an in-memory connection: plaintext payload queues each way, no crypto. The client end
/// (<see cref="ClientSendAsync"/>, <see cref="ClientReceiveAsync"/>) is driven by <see cref="SshTestClient"/>.
/// Payloads handed back with <see cref="Release"/> are counted and overwritten at once, as a pool would reuse them, so
/// a server that reads a payload after handing it back gets garbage.
/// </summary>
public sealed class InMemorySshTransport : ISshConnectionTransport
{
    private readonly Channel<byte[]> _toServer = Channel.CreateUnbounded<byte[]>();
    private readonly Channel<byte[]> _toClient = Channel.CreateUnbounded<byte[]>();
    private readonly ConcurrentDictionary<byte[], (byte Message, int Releases)> _received = new(ReferenceEqualityComparer.Instance);
    private readonly ConcurrentQueue<string> _releaseViolations = new();
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
        {
            _received[payload] = (payload.Length == 0 ? (byte)0 : payload[0], 0);
            return payload;
        }

        return null;
    }

    /// <summary>Counts the hand-back and overwrites the payload (a pool would reuse it for the next packet).</summary>
    public void Release(ReadOnlyMemory<byte> payload)
    {
        if (!MemoryMarshal.TryGetArray(payload, out var segment) || segment.Array is not { } array || segment.Offset != 0 || segment.Count != array.Length)
        {
            _releaseViolations.Enqueue($"a payload of {payload.Length} bytes handed back is not one that ReceiveAsync returned whole");
            return;
        }

        if (!_received.TryGetValue(array, out var received))
        {
            _releaseViolations.Enqueue($"a payload of {payload.Length} bytes handed back was never received");
            return;
        }

        _received[array] = received with { Releases = received.Releases + 1 };
        if (received.Releases != 0)
            _releaseViolations.Enqueue($"a payload of message {received.Message} was handed back {received.Releases + 1} times");
        array.AsSpan().Fill(0xEE);
    }

    /// <summary>How often each payload the server received was handed back, by message number.</summary>
    public IReadOnlyList<(byte Message, int Releases)> Releases => [.. _received.Values];

    /// <summary>Hand-backs that broke <see cref="ISshConnectionTransport.Release"/>'s contract.</summary>
    public IReadOnlyCollection<string> ReleaseViolations => _releaseViolations;

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
