using System.Text;

namespace Agent.Runtime.Discovery;

/// <summary>
/// One SSDP datagram: an HTTP-like start line (<c>M-SEARCH * HTTP/1.1</c>, <c>NOTIFY * HTTP/1.1</c>,
/// <c>HTTP/1.1 200 OK</c>) and its headers (names case-insensitive, the first of a repeated name wins). Anything else
/// is refused with a reason: over <see cref="MaxBytes"/>, not ASCII text, no start line, a line without a colon, more
/// than <see cref="MaxHeaders"/> headers.
/// </summary>
public sealed class SsdpMessage
{
    /// <summary>The largest datagram read (UPnP messages are a few hundred bytes).</summary>
    public const int MaxBytes = 2048;

    public const int MaxHeaders = 32;

    private readonly Dictionary<string, string> _headers;

    private SsdpMessage(string startLine, Dictionary<string, string> headers)
    {
        StartLine = startLine;
        _headers = headers;
    }

    public string StartLine { get; }

    public bool IsSearch => StartLine == "M-SEARCH * HTTP/1.1";

    public bool IsNotify => StartLine == "NOTIFY * HTTP/1.1";

    public bool IsResponse => StartLine.StartsWith("HTTP/1.1 200", StringComparison.Ordinal);

    /// <summary>The value of header <paramref name="name"/>, or <c>null</c>.</summary>
    public string? this[string name] => _headers.GetValueOrDefault(name);

    /// <summary>Parses <paramref name="datagram"/>, or gives <c>null</c> and the reason it is malformed.</summary>
    public static SsdpMessage? TryParse(ReadOnlySpan<byte> datagram, out string? problem)
    {
        problem = null;
        if (datagram.Length > MaxBytes)
        {
            problem = $"over {MaxBytes} bytes";
            return null;
        }

        foreach (var b in datagram)
        {
            if (b is > 0x7E or (< 0x20 and not (byte)'\r' and not (byte)'\n' and not (byte)'\t'))
            {
                problem = "not ASCII text";
                return null;
            }
        }

        var lines = Encoding.ASCII.GetString(datagram).Split('\n');
        var startLine = lines[0].TrimEnd('\r');
        if (startLine.Length == 0 || !startLine.Contains(' ', StringComparison.Ordinal))
        {
            problem = "no start line";
            return null;
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var raw in lines.Skip(1))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0)
                continue;
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                problem = "a header line without a name";
                return null;
            }

            if (headers.Count == MaxHeaders)
            {
                problem = $"more than {MaxHeaders} headers";
                return null;
            }

            headers.TryAdd(line[..colon].Trim(), line[(colon + 1)..].Trim());
        }

        return new SsdpMessage(startLine, headers);
    }
}
