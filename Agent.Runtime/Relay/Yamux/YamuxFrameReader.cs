using System.Runtime.CompilerServices;

namespace Agent.Runtime.Relay.Yamux;

/// <summary>
/// Buffered reads of frames from the transport: headers come out of a small buffer of the session's own (many small
/// frames per transport read); a payload takes what is buffered and reads the rest straight into its destination.
/// The buffer is held for as long as the session lives, idle or not: 4 KiB (an idle agent's relay on the control plane
/// held a pooled 64 KiB before), and a large payload no longer passes through it.
/// </summary>
/// <remarks>
/// On the wire (hashicorp/yamux spec.md "Framing") every frame is a 12-byte header, laid out in
/// <see cref="YamuxFrameHeader"/>: version (1 byte), type (1), flags (2), stream id (4), length (4), big-endian. Only a
/// Data frame is followed by a payload, of exactly <c>length</c> bytes; for Window Update, Ping and Go Away the length
/// is a window delta, an opaque ping value and an error code, and nothing follows.
/// </remarks>
internal sealed class YamuxFrameReader : IDisposable
{
    /// <summary>Room for 340 frame headers, or a header and the start of its payload.</summary>
    public const int BufferSize = 4 * 1024;

    private readonly Stream _transport;
    private readonly CancellationToken _cancellationToken;
    private byte[]? _buffer = new byte[BufferSize];
    private int _start;
    private int _end;

    public YamuxFrameReader(Stream transport, CancellationToken cancellationToken)
    {
        _transport = transport;
        _cancellationToken = cancellationToken;
    }

    /// <summary>Bytes of buffer this reader holds.</summary>
    public int BufferBytes => _buffer?.Length ?? 0;

    private byte[] Buffer => _buffer ?? throw new ObjectDisposedException(nameof(YamuxFrameReader));

    /// <summary>
    /// Ensures <paramref name="count"/> bytes are buffered; false at a clean end of the transport before a frame,
    /// <see cref="EndOfStreamException"/> when it ends inside one.
    /// </summary>
    public ValueTask<bool> FillAsync(int count, bool atFrameStart)
        => _end - _start >= count ? new ValueTask<bool>(true) : FillSlowAsync(count, atFrameStart);

    public YamuxFrameHeader TakeHeader()
    {
        var header = YamuxFrameHeader.Parse(Buffer.AsSpan(_start, YamuxFrameHeader.Size));
        _start += YamuxFrameHeader.Size;
        return header;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask ReadAsync(Memory<byte> destination)
    {
        var buffered = Math.Min(_end - _start, destination.Length);
        Buffer.AsSpan(_start, buffered).CopyTo(destination.Span);
        _start += buffered;
        if (buffered < destination.Length)
            await _transport.ReadExactlyAsync(destination[buffered..], _cancellationToken);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask SkipAsync(int count)
    {
        while (count > 0)
        {
            if (_start == _end)
                await FillAsync(1, atFrameStart: false);
            var skipped = Math.Min(count, _end - _start);
            _start += skipped;
            count -= skipped;
        }
    }

    public void Dispose() => _buffer = null;

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> FillSlowAsync(int count, bool atFrameStart)
    {
        var buffer = Buffer;
        if (_start > 0)
        {
            buffer.AsSpan(_start, _end - _start).CopyTo(buffer);
            _end -= _start;
            _start = 0;
        }

        while (_end < count)
        {
            var read = await _transport.ReadAsync(buffer.AsMemory(_end), _cancellationToken);
            if (read == 0)
            {
                if (atFrameStart && _end == 0)
                    return false;
                throw new EndOfStreamException($"the transport ended inside a frame ({_end} of {count} bytes)");
            }

            _end += read;
        }

        return true;
    }
}
