using System.Buffers;

namespace Agent.Runtime.Relay.Yamux;

/// <summary>
/// A stream's received data not read yet: the payloads in order, each a pooled array the buffer owns until it is
/// read or dropped. Not thread-safe: the stream's lock guards it.
/// </summary>
internal sealed class YamuxReceiveBuffer
{
    private readonly Queue<Segment> _segments = new();
    private int _headOffset;

    /// <summary>Bytes buffered.</summary>
    public int Count { get; private set; }

    /// <summary>Appends a payload: the first <paramref name="count"/> bytes of a pooled array, which this buffer now owns.</summary>
    public void Add(byte[] array, int count)
    {
        _segments.Enqueue(new Segment(array, count));
        Count += count;
    }

    /// <summary>Copies the oldest bytes into <paramref name="destination"/>; returns how many.</summary>
    public int Take(Span<byte> destination)
    {
        var copied = 0;
        while (copied < destination.Length && _segments.TryPeek(out var segment))
        {
            var count = Math.Min(segment.Count - _headOffset, destination.Length - copied);
            segment.Array.AsSpan(_headOffset, count).CopyTo(destination[copied..]);
            copied += count;
            _headOffset += count;
            if (_headOffset == segment.Count)
            {
                _segments.Dequeue();
                ArrayPool<byte>.Shared.Return(segment.Array);
                _headOffset = 0;
            }
        }

        Count -= copied;
        return copied;
    }

    /// <summary>Drops everything buffered (returning the arrays); returns how many bytes were dropped.</summary>
    public int Clear()
    {
        var dropped = Count;
        while (_segments.TryDequeue(out var segment))
            ArrayPool<byte>.Shared.Return(segment.Array);
        Count = 0;
        _headOffset = 0;
        return dropped;
    }

    private readonly record struct Segment(byte[] Array, int Count);
}
