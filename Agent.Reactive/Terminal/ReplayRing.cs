namespace Agent.Reactive.Terminal;

/// <summary>
/// The last <see cref="Capacity"/> bytes of a terminal's output (Coder's 64 KiB circular buffer), replayed to a
/// client that attaches. Not thread-safe: its owner serializes access.
/// </summary>
public sealed class ReplayRing
{
    private readonly byte[] _buffer;
    private int _start;
    private int _length;

    public ReplayRing(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _buffer = new byte[capacity];
    }

    public int Capacity => _buffer.Length;

    /// <summary>How many bytes are kept (at most <see cref="Capacity"/>).</summary>
    public int Length => _length;

    /// <summary>Appends <paramref name="bytes"/>, dropping the oldest bytes beyond the capacity.</summary>
    public void Append(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length >= _buffer.Length)
        {
            bytes[^_buffer.Length..].CopyTo(_buffer);
            _start = 0;
            _length = _buffer.Length;
            return;
        }

        var end = (_start + _length) % _buffer.Length;
        var first = Math.Min(bytes.Length, _buffer.Length - end);
        bytes[..first].CopyTo(_buffer.AsSpan(end));
        bytes[first..].CopyTo(_buffer);
        var overflow = _length + bytes.Length - _buffer.Length;
        if (overflow > 0)
        {
            _start = (_start + overflow) % _buffer.Length;
            _length = _buffer.Length;
        }
        else
        {
            _length += bytes.Length;
        }
    }

    /// <summary>A copy of the kept bytes, oldest first.</summary>
    public byte[] ToArray()
    {
        var result = new byte[_length];
        var first = Math.Min(_length, _buffer.Length - _start);
        _buffer.AsSpan(_start, first).CopyTo(result);
        _buffer.AsSpan(0, _length - first).CopyTo(result.AsSpan(first));
        return result;
    }

    /// <summary>Forgets every byte.</summary>
    public void Clear()
    {
        _start = 0;
        _length = 0;
    }
}
