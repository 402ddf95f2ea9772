using System.Globalization;

namespace Agent.Runtime.Ssh.Auth;

/// <summary>
/// One <c>permitopen="host:port"</c> or <c>permitlisten="[host:]port"</c> entry. <paramref name="Host"/> is compared
/// as written for permitopen (no name lookup; <c>*</c> is any host) and as a <c>*</c>/<c>?</c> pattern for
/// permitlisten (as sshd); <paramref name="Port"/> <c>null</c> is any port (<c>*</c>).
/// </summary>
public sealed record PermittedEndpoint(string Host, int? Port)
{
    /// <summary>Parses <c>host:port</c>, <c>[v6]:port</c>, or for permitlisten also a bare <c>port</c> (any host).</summary>
    public static bool TryParse(string text, bool listen, out PermittedEndpoint? endpoint, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        endpoint = null;
        string host;
        string port;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || close + 1 >= text.Length || text[close + 1] != ':')
            {
                error = $"\"{text}\" is not [address]:port";
                return false;
            }

            host = text[1..close];
            port = text[(close + 2)..];
        }
        else
        {
            var colon = text.LastIndexOf(':');
            if (colon < 0 && listen)
            {
                (host, port) = ("*", text);
            }
            else if (colon <= 0 || text.IndexOf(':', StringComparison.Ordinal) != colon)
            {
                error = $"\"{text}\" is not host:port";
                return false;
            }
            else
            {
                (host, port) = (text[..colon], text[(colon + 1)..]);
            }
        }

        int? number = null;
        if (port != "*")
        {
            if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value > ushort.MaxValue || (value == 0 && !listen))
            {
                error = $"\"{port}\" is not a port";
                return false;
            }

            number = value;
        }

        if (host.Length == 0)
        {
            error = $"\"{text}\" has no host";
            return false;
        }

        endpoint = new PermittedEndpoint(host, number);
        error = null;
        return true;
    }

    /// <summary>permitopen: the host exactly as the client sent it (or <c>*</c>), the port equal (or <c>*</c>).</summary>
    public bool MatchesOpen(string host, uint port)
        => (Port is null || Port == port) && (Host == "*" || string.Equals(Host, host, StringComparison.OrdinalIgnoreCase));

    /// <summary>permitlisten: the listen host (lower-cased; empty is <c>*</c>) against the pattern, the port equal (or <c>*</c>).</summary>
    public bool MatchesListen(string host, uint port)
        => (Port is null || Port == port) && WildcardPattern.Matches(host.Length == 0 ? "*" : host.ToLowerInvariant(), Host);
}
