using System.Buffers;
using System.Text;
using Agent.Runtime.Ssh.Algorithms.Ciphers;
using Agent.Runtime.Ssh.Wire;

namespace Agent.Runtime.Ssh.Transport;

/// <summary>
/// The receiving half of the binary packet protocol over a stream: one pooled buffer that reads ahead, the
/// identification line, then packets checked for length, alignment, MAC and padding. Not thread-safe.
/// </summary>
internal sealed class PacketReader : IDisposable
{
    private const int ReadAhead = 64 * 1024;
    private const int MaxTagLength = 64;

    private readonly Stream _stream;
    private byte[]? _buffer;
    private int _start;
    private int _end;

    public PacketReader(Stream stream)
    {
        _stream = stream;
        _buffer = ArrayPool<byte>.Shared.Rent(4 + SshServerTransport.MaxPacketLength + MaxTagLength + ReadAhead);
    }

    public IPacketProtection Protection { get; private set; } = new PlaintextProtection();

    /// <summary>The sequence number of the next packet.</summary>
    public uint Sequence { get; set; }

    /// <summary>The sequence number of the packet read last.</summary>
    public uint LastSequence { get; private set; }

    /// <summary>Bytes received since the last <see cref="SetProtection"/>.</summary>
    public long BytesSinceKeyChange { get; private set; }

    /// <summary>Switches to new keys (after NEWKEYS) and disposes the old ones.</summary>
    public void SetProtection(IPacketProtection protection)
    {
        Protection.Dispose();
        Protection = protection;
        BytesSinceKeyChange = 0;
    }

    /// <summary>One line ending in LF (CR LF or LF), without the line end; <c>null</c> at the end of the stream.</summary>
    public async ValueTask<string?> ReadLineAsync(int maxLength, CancellationToken cancellationToken)
    {
        var scanned = 0;
        while (true)
        {
            var buffer = Buffer();
            var index = buffer.AsSpan(_start + scanned, _end - _start - scanned).IndexOf((byte)'\n');
            if (index >= 0)
            {
                var lineLength = scanned + index;
                if (lineLength + 1 > maxLength)
                    throw new SshProtocolException(DisconnectReason.ProtocolError, $"an identification line is longer than {maxLength} bytes");
                var line = buffer.AsSpan(_start, lineLength);
                _start += lineLength + 1;
                if (!line.IsEmpty && line[^1] == (byte)'\r')
                    line = line[..^1];
                if (line.Contains((byte)0))
                    throw new SshProtocolException(DisconnectReason.ProtocolError, "an identification line contains a NUL byte");
                return Encoding.UTF8.GetString(line);
            }

            scanned = _end - _start;
            if (scanned >= maxLength)
                throw new SshProtocolException(DisconnectReason.ProtocolError, $"an identification line is longer than {maxLength} bytes");
            if (!await EnsureAsync(scanned + 1, cancellationToken).ConfigureAwait(false))
                return null;
        }
    }

    /// <summary>
    /// The next packet's payload, a view into the reader's buffer valid until the next call; <c>null</c> when the
    /// stream ended (also in the middle of a packet).
    /// </summary>
    public async ValueTask<ReadOnlyMemory<byte>?> ReadPacketAsync(CancellationToken cancellationToken)
    {
        var protection = Protection;
        var prefix = protection.LengthPrefixSize;
        if (!await EnsureAsync(prefix, cancellationToken).ConfigureAwait(false))
            return null;
        var length = protection.ReadLength(Sequence, Buffer().AsSpan(_start, prefix));
        if (length < 5 || length > SshServerTransport.MaxPacketLength)
            throw new SshProtocolException(DisconnectReason.ProtocolError, $"bad packet length {length}");
        if (((protection.AlignsLengthField ? 4 : 0) + length) % (uint)protection.BlockSize != 0)
            throw new SshProtocolException(DisconnectReason.ProtocolError, $"packet length {length} is not a multiple of the cipher block size {protection.BlockSize}");
        var packetLength = 4 + (int)length;
        if (packetLength < prefix)
            throw new SshProtocolException(DisconnectReason.ProtocolError, $"bad packet length {length}");
        var total = packetLength + protection.TagLength;
        if (!await EnsureAsync(total, cancellationToken).ConfigureAwait(false))
            return null;
        var buffer = Buffer();
        var packet = buffer.AsSpan(_start, packetLength);
        protection.Open(Sequence, packet, buffer.AsSpan(_start + packetLength, protection.TagLength));
        var padding = packet[4];
        if (padding < 4 || padding > length - 2)
            throw new SshProtocolException(DisconnectReason.ProtocolError, $"bad padding length {padding} in a packet of {length} bytes");
        var payload = buffer.AsMemory(_start + 5, (int)length - 1 - padding);
        _start += total;
        LastSequence = Sequence;
        Sequence++;
        BytesSinceKeyChange += total;
        return payload;
    }

    public void Dispose()
    {
        Protection.Dispose();
        var buffer = Interlocked.Exchange(ref _buffer, null);
        if (buffer is not null)
            ArrayPool<byte>.Shared.Return(buffer);
    }

    private byte[] Buffer() => _buffer ?? throw new ObjectDisposedException(nameof(PacketReader));

    private async ValueTask<bool> EnsureAsync(int count, CancellationToken cancellationToken)
    {
        while (_end - _start < count)
        {
            var buffer = Buffer();
            if (_start == _end)
            {
                _start = 0;
                _end = 0;
            }
            else if (buffer.Length - _start < count || _end == buffer.Length)
            {
                Array.Copy(buffer, _start, buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }

            var read = await _stream.ReadAsync(buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
            if (read == 0)
                return false;
            _end += read;
        }

        return true;
    }
}
