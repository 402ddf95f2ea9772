using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using Agent.Runtime.Ssh.Algorithms.Ciphers;

namespace Agent.Runtime.Ssh.Transport;

/// <summary>
/// The sending half of the binary packet protocol: frames a payload with random padding into one pooled buffer,
/// protects it and writes it with one stream write. Not thread-safe (the transport serializes senders).
/// </summary>
internal sealed class PacketWriter : IDisposable
{
    private const int MaxTagLength = 64;

    private readonly Stream _stream;
    private byte[]? _buffer;

    public PacketWriter(Stream stream)
    {
        _stream = stream;
        _buffer = ArrayPool<byte>.Shared.Rent(4 + SshServerTransport.MaxPacketLength + MaxTagLength);
    }

    public IPacketProtection Protection { get; private set; } = new PlaintextProtection();

    /// <summary>The sequence number of the next packet.</summary>
    public uint Sequence { get; set; }

    /// <summary>Bytes sent since the last <see cref="SetProtection"/>.</summary>
    public long BytesSinceKeyChange { get; private set; }

    public void SetProtection(IPacketProtection protection)
    {
        Protection.Dispose();
        Protection = protection;
        BytesSinceKeyChange = 0;
    }

    public async ValueTask WritePacketAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var length = Frame(payload.Span);
        await _stream.WriteAsync(Buffer().AsMemory(0, length), cancellationToken).ConfigureAwait(false);
        await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask WriteRawAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        await _stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
        await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Dispose()
    {
        Protection.Dispose();
        var buffer = Interlocked.Exchange(ref _buffer, null);
        if (buffer is not null)
            ArrayPool<byte>.Shared.Return(buffer);
    }

    /// <summary>Builds and protects the packet in the buffer; returns its length on the wire.</summary>
    private int Frame(ReadOnlySpan<byte> payload)
    {
        if (payload.IsEmpty || payload.Length > SshServerTransport.MaxPayloadLength)
            throw new ArgumentException($"a payload must have 1 to {SshServerTransport.MaxPayloadLength} bytes", nameof(payload));
        var protection = Protection;
        var blockSize = Math.Max(protection.BlockSize, 8);
        var aligned = (protection.AlignsLengthField ? 4 : 0) + 1 + payload.Length;
        var padding = blockSize - (aligned % blockSize);
        if (padding < 4)
            padding += blockSize;
        var packetLength = 1 + payload.Length + padding;
        while (4 + packetLength < 16)
        {
            padding += blockSize;
            packetLength += blockSize;
        }

        var buffer = Buffer();
        var span = buffer.AsSpan(0, 4 + packetLength + protection.TagLength);
        BinaryPrimitives.WriteUInt32BigEndian(span, (uint)packetLength);
        span[4] = (byte)padding;
        payload.CopyTo(span[5..]);
        RandomNumberGenerator.Fill(span.Slice(5 + payload.Length, padding));
        protection.Seal(Sequence, span[..(4 + packetLength)], span[(4 + packetLength)..]);
        Sequence++;
        BytesSinceKeyChange += span.Length;
        return span.Length;
    }

    private byte[] Buffer() => _buffer ?? throw new ObjectDisposedException(nameof(PacketWriter));
}
