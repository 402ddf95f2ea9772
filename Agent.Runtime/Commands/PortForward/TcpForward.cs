using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;

namespace Agent.Runtime.Commands.PortForward;

/// <summary>One <c>--tcp [BIND:]LOCAL:REMOTE</c> of <c>agent port-forward</c>: listen on BIND:LOCAL, relay to agent port REMOTE.</summary>
public sealed record TcpForward(IPEndPoint Local, int RemotePort)
{
    /// <summary>
    /// Parses <c>LOCAL:REMOTE</c>, <c>BIND:LOCAL:REMOTE</c> or <c>[IPv6]:LOCAL:REMOTE</c>; BIND defaults to 127.0.0.1
    /// (<c>localhost</c> means that too), LOCAL 0 picks a free port, REMOTE is 1-65535.
    /// </summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out TcpForward? forward, out string error)
    {
        forward = null;
        error = $"--tcp wants [BIND:]LOCAL:REMOTE (e.g. 8080:8000 or 0.0.0.0:8080:8000), not \"{text}\"";
        if (string.IsNullOrWhiteSpace(text))
            return false;

        var bind = IPAddress.Loopback;
        var ports = text.Trim();
        if (ports.StartsWith('['))
        {
            var close = ports.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || close + 1 >= ports.Length || ports[close + 1] != ':'
                || !IPAddress.TryParse(ports.AsSpan(1, close - 1), out var v6))
                return false;
            bind = v6;
            ports = ports[(close + 2)..];
        }
        else if (ports.Split(':') is { Length: 3 } parts)
        {
            if (parts[0] == "localhost")
                bind = IPAddress.Loopback;
            else if (!IPAddress.TryParse(parts[0], out bind!))
                return false;
            ports = $"{parts[1]}:{parts[2]}";
        }

        var pair = ports.Split(':');
        if (pair.Length != 2
            || !int.TryParse(pair[0], NumberStyles.None, CultureInfo.InvariantCulture, out var local) || local > 65535
            || !int.TryParse(pair[1], NumberStyles.None, CultureInfo.InvariantCulture, out var remote) || remote is < 1 or > 65535)
            return false;

        forward = new TcpForward(new IPEndPoint(bind, local), remote);
        error = string.Empty;
        return true;
    }
}
