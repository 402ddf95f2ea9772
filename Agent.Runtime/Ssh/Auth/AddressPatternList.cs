using System.Net;

namespace Agent.Runtime.Ssh.Auth;

/// <summary>
/// A comma-separated list of address patterns, as <c>from=</c> (and a certificate's <c>source-address</c>) read
/// it: an address, a CIDR network (<c>10.0.0.0/8</c>, <c>fd00::/8</c>), or a <c>*</c>/<c>?</c> pattern on the address
/// text; <c>!</c> before an entry negates it. A client matches when an entry matches and no negated entry does. The
/// agent does not look names up (sshd's default <c>UseDNS no</c>): a host name matches only the address text, and a
/// client whose address is unknown (inetd on a pipe) never matches.
/// </summary>
public sealed class AddressPatternList
{
    private readonly IReadOnlyList<Entry> _entries;

    private AddressPatternList(IReadOnlyList<Entry> entries)
    {
        _entries = entries;
    }

    /// <summary>
    /// Parses <paramref name="text"/>; with <paramref name="networksOnly"/> (a certificate's <c>source-address</c>) every
    /// entry must be an address or a network. A network with bits set past its prefix is an error, as in sshd.
    /// </summary>
    public static bool TryParse(string text, bool networksOnly, out AddressPatternList? list, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        list = null;
        var entries = new List<Entry>();
        foreach (var raw in text.Split(','))
        {
            var negated = raw.StartsWith('!');
            var pattern = negated ? raw[1..] : raw;
            if (pattern.Length == 0)
            {
                error = $"an empty entry in \"{text}\"";
                return false;
            }

            if (TryParseNetwork(pattern, out var network))
            {
                entries.Add(new Entry(negated, network, null));
            }
            else if (networksOnly || pattern.Contains('/', StringComparison.Ordinal))
            {
                error = $"\"{pattern}\" is not an address or a network";
                return false;
            }
            else
            {
                entries.Add(new Entry(negated, null, pattern));
            }
        }

        list = new AddressPatternList(entries);
        error = null;
        return true;
    }

    /// <summary>Whether a client at <paramref name="address"/> is let in (never when it is unknown).</summary>
    public bool Matches(IPAddress? address)
    {
        if (address is null)
            return false;
        if (address.IsIPv4MappedToIPv6)
            address = address.MapToIPv4();
        var text = address.ToString();
        var found = false;
        foreach (var entry in _entries)
        {
            var matched = entry.Network is { } network
                ? network.BaseAddress.AddressFamily == address.AddressFamily && network.Contains(address)
                : WildcardPattern.Matches(text, entry.Pattern!);
            if (matched && entry.Negated)
                return false;
            found |= matched;
        }

        return found;
    }

    private static bool TryParseNetwork(string text, out IPNetwork network)
    {
        if (!text.Contains('/', StringComparison.Ordinal))
        {
            // IPAddress.TryParse takes "10" for 0.0.0.10: an IPv4 address here has its four parts.
            if (IPAddress.TryParse(text, out var address) && (text.Contains(':', StringComparison.Ordinal) || text.Count(c => c == '.') == 3))
            {
                network = new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
                return true;
            }

            network = default;
            return false;
        }

        // IPNetwork.TryParse masks the host bits away; sshd refuses such a network, and so does this.
        return IPNetwork.TryParse(text, out network) && IPAddress.TryParse(text[..text.IndexOf('/', StringComparison.Ordinal)], out var written)
            && written.Equals(network.BaseAddress);
    }

    private sealed record Entry(bool Negated, IPNetwork? Network, string? Pattern);
}
