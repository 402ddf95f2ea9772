using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Agent.Reactive.Recording;

/// <summary>
/// Turns a terminal session into asciicast v2 lines (UTF-8 JSON, each ending with <c>\n</c>): the header, then
/// <c>[t, "o", text]</c> for output, <c>[t, "i", ""]</c> for each input (its timing only: what was typed, passwords
/// included, is never recorded), <c>[t, "r", "WxH"]</c> for resizes and <c>[t, "m", label]</c> for markers (gaps).
/// Times are seconds since the header's timestamp, to the microsecond. Output is decoded as UTF-8 across calls: a
/// character split between two reads is written whole with the second, and bytes that are not UTF-8 become U+FFFD,
/// so every line is valid JSON. Not thread-safe: one writer per session, called under its owner's lock.
/// </summary>
public sealed class AsciicastWriter
{
    private readonly DateTimeOffset _startedAt;
    private readonly Decoder _decoder = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false).GetDecoder();
    private readonly ArrayBufferWriter<byte> _line = new(256);
    private char[] _chars = new char[1024];

    public AsciicastWriter(DateTimeOffset startedAt) => _startedAt = startedAt;

    /// <summary>The header line.</summary>
    public static byte[] Header(AsciicastHeader header)
    {
        ArgumentNullException.ThrowIfNull(header);
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("version", 2);
            json.WriteNumber("width", header.Width);
            json.WriteNumber("height", header.Height);
            json.WriteNumber("timestamp", header.StartedAt.ToUnixTimeSeconds());
            json.WriteStartObject("env");
            if (header.Shell is { } shell)
                json.WriteString("SHELL", shell);
            if (header.Term is { } term)
                json.WriteString("TERM", term);
            json.WriteEndObject();
            json.WriteString("title", header.Title);
            json.WriteEndObject();
        }

        return [.. buffer.WrittenSpan, (byte)'\n'];
    }

    /// <summary>An output line for <paramref name="bytes"/>; <c>null</c> when they hold only the start of a character.</summary>
    public byte[]? Output(DateTimeOffset at, ReadOnlySpan<byte> bytes)
    {
        var count = _decoder.GetCharCount(bytes, flush: false);
        if (count > _chars.Length)
            _chars = new char[Math.Max(count, _chars.Length * 2)];
        var written = _decoder.GetChars(bytes, _chars, flush: false);
        return written == 0 ? null : Event(at, "o", _chars.AsSpan(0, written));
    }

    /// <summary>An input line: when, not what.</summary>
    public byte[] Input(DateTimeOffset at) => Event(at, "i", []);

    /// <summary>A resize line, <c>"WxH"</c>.</summary>
    public byte[] Resize(DateTimeOffset at, int columns, int rows) => Event(at, "r", $"{columns}x{rows}");

    /// <summary>A marker line (asciinema shows it as a chapter): where output was dropped, why the recording stopped.</summary>
    public byte[] Marker(DateTimeOffset at, string label) => Event(at, "m", label);

    /// <summary>What is left of a character cut short at the end of the output (U+FFFD), or <c>null</c>.</summary>
    public byte[]? Flush(DateTimeOffset at)
    {
        var written = _decoder.GetChars([], _chars, flush: true);
        return written == 0 ? null : Event(at, "o", _chars.AsSpan(0, written));
    }

    private byte[] Event(DateTimeOffset at, string code, ReadOnlySpan<char> data)
    {
        _line.ResetWrittenCount();
        using (var json = new Utf8JsonWriter(_line))
        {
            json.WriteStartArray();
            var seconds = Math.Max(0, (at - _startedAt).Ticks / 10) / 1_000_000m;
            json.WriteNumberValue(seconds);
            json.WriteStringValue(code);
            json.WriteStringValue(data);
            json.WriteEndArray();
        }

        return [.. _line.WrittenSpan, (byte)'\n'];
    }
}
