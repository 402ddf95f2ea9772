using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace Agent.Runtime.Relay.Sse;

/// <summary>
/// Parses a <c>text/event-stream</c> as the HTML standard says (§9.2.6 "Interpreting an event stream"):
/// UTF-8 with an optional leading BOM, lines ended by CRLF, LF or CR, <c>:</c> comments ignored, a blank
/// line dispatches the event, several <c>data</c> lines are joined with <c>\n</c>, an event without data
/// is not dispatched and an unfinished event at the end of the stream is dropped. Bytes may arrive in
/// chunks cut anywhere, even inside a line, a CRLF pair or a multi-byte character. A line, or the data of
/// one event, longer than the bound is an <see cref="InvalidDataException"/>, so a broken or hostile
/// server cannot make the reader grow without end.
/// </summary>
public sealed class ServerSentEventsReader
{
    /// <summary>The default bound on one line and on the data of one event, in characters: 1 MiB.</summary>
    public const int DefaultMaxLength = 1 << 20;

    private const string DefaultEventType = "message";

    private readonly Decoder _decoder = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false).GetDecoder();
    private readonly StringBuilder _line = new();
    private readonly StringBuilder _data = new();
    private readonly int _maxLength;
    private string _eventType = string.Empty;
    private string _lastEventId = string.Empty;
    private TimeSpan? _retry;
    private bool _afterCarriageReturn;
    private bool _started;
    private char[] _chars = new char[1024];

    public ServerSentEventsReader(int maxLength = DefaultMaxLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 1);
        _maxLength = maxLength;
    }

    /// <summary>Reads <paramref name="stream"/> to its end and yields each event as soon as it is complete.</summary>
    public static async IAsyncEnumerable<ServerSentEvent> ReadAllAsync(
        Stream stream,
        int maxLength = DefaultMaxLength,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var reader = new ServerSentEventsReader(maxLength);
        var buffer = new byte[8192];
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
        {
            foreach (var serverSentEvent in reader.Feed(buffer.AsSpan(0, read)))
                yield return serverSentEvent;
        }
    }

    /// <summary>Takes the next chunk of the stream and returns the events it completed, in order.</summary>
    public IReadOnlyList<ServerSentEvent> Feed(ReadOnlySpan<byte> bytes)
    {
        var needed = _decoder.GetCharCount(bytes, flush: false);
        if (needed > _chars.Length)
            _chars = new char[Math.Max(needed, _chars.Length * 2)];
        var count = _decoder.GetChars(bytes, _chars, flush: false);
        return Feed(_chars.AsSpan(0, count));
    }

    /// <summary>Takes the next chunk of already decoded text and returns the events it completed, in order.</summary>
    public IReadOnlyList<ServerSentEvent> Feed(ReadOnlySpan<char> text)
    {
        var events = new List<ServerSentEvent>();
        foreach (var character in text)
        {
            if (!_started)
            {
                _started = true;
                if (character == '\uFEFF')
                    continue;
            }

            if (_afterCarriageReturn)
            {
                _afterCarriageReturn = false;
                if (character == '\n')
                    continue;
            }

            switch (character)
            {
                case '\r':
                    _afterCarriageReturn = true;
                    EndLine(events);
                    break;
                case '\n':
                    EndLine(events);
                    break;
                default:
                    if (_line.Length >= _maxLength)
                        throw new InvalidDataException($"event stream line longer than {_maxLength} characters");
                    _line.Append(character);
                    break;
            }
        }

        return events;
    }

    private void EndLine(List<ServerSentEvent> events)
    {
        if (_line.Length == 0)
        {
            Dispatch(events);
            return;
        }

        var line = _line.ToString();
        _line.Clear();
        if (line[0] == ':')
            return;

        var colon = line.IndexOf(':', StringComparison.Ordinal);
        var field = colon < 0 ? line : line[..colon];
        var value = colon < 0 ? string.Empty : line[(colon + 1)..];
        if (value.StartsWith(' '))
            value = value[1..];
        Process(field, value);
    }

    private void Process(string field, string value)
    {
        switch (field)
        {
            case "event":
                _eventType = value;
                break;
            case "data":
                if (_data.Length + value.Length + 1 > _maxLength)
                    throw new InvalidDataException($"event data longer than {_maxLength} characters");
                _data.Append(value).Append('\n');
                break;
            case "id":
                if (!value.Contains('\0', StringComparison.Ordinal))
                    _lastEventId = value;
                break;
            case "retry":
                if (value.Length > 0 && value.All(char.IsAsciiDigit)
                    && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds))
                    _retry = TimeSpan.FromMilliseconds(milliseconds);
                break;
        }
    }

    private void Dispatch(List<ServerSentEvent> events)
    {
        if (_data.Length == 0)
        {
            _eventType = string.Empty;
            return;
        }

        var data = _data.ToString(0, _data.Length - 1);
        var type = _eventType.Length == 0 ? DefaultEventType : _eventType;
        _data.Clear();
        _eventType = string.Empty;
        events.Add(new ServerSentEvent(type, data, _lastEventId, _retry));
    }
}
