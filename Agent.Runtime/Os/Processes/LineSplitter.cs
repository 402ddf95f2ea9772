using System.Text;

namespace Agent.Runtime.Os.Processes;

/// <summary>
/// Turns a byte stream into lines: split at <c>\n</c> (a trailing <c>\r</c> is dropped) and at
/// <c>maxLineLength</c> bytes, cutting before an incomplete UTF-8 sequence where possible. Bytes are
/// decoded leniently (invalid sequences become U+FFFD). Not thread-safe.
/// </summary>
internal sealed class LineSplitter
{
    private readonly Action<string> _emit;
    private readonly byte[] _buffer;
    private int _length;

    public LineSplitter(Action<string> emit, int maxLineLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLineLength, 4);
        _emit = emit;
        _buffer = new byte[maxLineLength];
    }

    public void Write(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            var newline = data.IndexOf((byte)'\n');
            if (newline < 0)
            {
                Append(data);
                return;
            }

            Append(data[..newline]);
            EmitLine();
            data = data[(newline + 1)..];
        }
    }

    /// <summary>Emits the last line when the output did not end with a newline.</summary>
    public void Flush()
    {
        if (_length > 0)
            EmitLine();
    }

    // The largest prefix length that does not end inside a well-formed multi-byte sequence.
    private static int Utf8Boundary(ReadOnlySpan<byte> bytes)
    {
        var lead = bytes.Length - 1;
        while (lead > 0 && bytes.Length - lead < 4 && (bytes[lead] & 0xC0) == 0x80)
            lead--;
        var expected = bytes[lead] switch
        {
            >= 0xF0 and <= 0xF7 => 4,
            >= 0xE0 => 3,
            >= 0xC0 => 2,
            _ => 1,
        };
        return lead > 0 && lead + expected > bytes.Length ? lead : bytes.Length;
    }

    private void Append(ReadOnlySpan<byte> segment)
    {
        while (!segment.IsEmpty)
        {
            // A full buffer is only emitted once more bytes of the same line arrive, so a line of exactly
            // the maximum length followed by a newline stays one line.
            if (_length == _buffer.Length)
                EmitPiece();
            var take = Math.Min(_buffer.Length - _length, segment.Length);
            segment[..take].CopyTo(_buffer.AsSpan(_length));
            _length += take;
            segment = segment[take..];
        }
    }

    private void EmitLine()
    {
        var length = _length > 0 && _buffer[_length - 1] == (byte)'\r' ? _length - 1 : _length;
        _emit(Encoding.UTF8.GetString(_buffer, 0, length));
        _length = 0;
    }

    private void EmitPiece()
    {
        var cut = Utf8Boundary(_buffer.AsSpan(0, _length));
        _emit(Encoding.UTF8.GetString(_buffer, 0, cut));
        _buffer.AsSpan(cut, _length - cut).CopyTo(_buffer);
        _length -= cut;
    }
}
