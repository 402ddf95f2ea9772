using System.Text.Json;

namespace Agent.Runtime.Terminal;

/// <summary>
/// Splits a stream of concatenated JSON objects (no delimiters, split anywhere by the transport) into requests,
/// with one <see cref="Utf8JsonReader"/> pass over each byte and a buffer bounded by the largest object allowed.
/// </summary>
public sealed class RequestStreamParser
{
    private readonly int _maxObjectBytes;
    private byte[] _buffer = new byte[4096];
    private int _length;
    private int _scanned;
    private int _objectStart = -1;
    private JsonReaderState _state = new(new JsonReaderOptions { AllowMultipleValues = true });

    public RequestStreamParser(int maxObjectBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxObjectBytes, 16);
        _maxObjectBytes = maxObjectBytes;
    }

    /// <summary>Space to read the next bytes into (at least <paramref name="sizeHint"/> bytes); then call <see cref="Advance"/>.</summary>
    public Memory<byte> GetMemory(int sizeHint)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sizeHint, 1);
        if (_buffer.Length - _length < sizeHint)
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + sizeHint));
        return _buffer.AsMemory(_length);
    }

    /// <summary>Takes <paramref name="count"/> bytes written into <see cref="GetMemory"/>.</summary>
    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, _buffer.Length - _length);
        _length += count;
    }

    /// <summary>The next complete request, if the bytes so far hold one.</summary>
    /// <exception cref="JsonException">The bytes are not a stream of JSON objects of the request's shape.</exception>
    /// <exception cref="InvalidDataException">An object is larger than the bound.</exception>
    public bool TryRead(out TerminalRequest request)
    {
        var reader = new Utf8JsonReader(_buffer.AsSpan(_scanned, _length - _scanned), isFinalBlock: false, _state);
        while (reader.Read())
        {
            if (reader.CurrentDepth != 0)
                continue;
            if (reader.TokenType == JsonTokenType.StartObject)
            {
                _objectStart = _scanned + (int)reader.TokenStartIndex;
                continue;
            }

            if (reader.TokenType != JsonTokenType.EndObject)
                throw new JsonException($"expected a JSON object, found {reader.TokenType}");

            var end = _scanned + (int)reader.BytesConsumed;
            var start = _objectStart;
            _state = reader.CurrentState;
            _scanned = end;
            _objectStart = -1;
            request = JsonSerializer.Deserialize(_buffer.AsSpan(start, end - start), TerminalJsonContext.Default.TerminalRequest)
                ?? throw new JsonException("a request is null");
            Compact();
            return true;
        }

        _scanned += (int)reader.BytesConsumed;
        _state = reader.CurrentState;
        var pending = _length - (_objectStart >= 0 ? _objectStart : _scanned);
        if (pending > _maxObjectBytes)
            throw new InvalidDataException($"a request is larger than {_maxObjectBytes} bytes");
        Compact();
        request = null!;
        return false;
    }

    private void Compact()
    {
        var keep = _objectStart >= 0 ? _objectStart : _scanned;
        if (keep == 0)
            return;
        _buffer.AsSpan(keep, _length - keep).CopyTo(_buffer);
        _length -= keep;
        _scanned -= keep;
        if (_objectStart >= 0)
            _objectStart -= keep;
    }
}
