using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Agent.Runtime.ControlPlane.PortProxy;

/// <summary>
/// A port proxy's origin: the host name <c>{port}--{agent}.localhost</c> (case-insensitive), with or without the
/// listener's port. Browsers resolve <c>*.localhost</c> to loopback themselves (RFC 6761), and each such name is an
/// origin of its own: its pages never share the dashboard's origin, nor its host-only cookies.
/// </summary>
internal readonly record struct PortProxyHost(int Port, string AgentLabel)
{
    public const string Suffix = ".localhost";

    private const string Separator = "--";

    /// <summary>The host name (lowercase, no port), as cookies and URLs name it.</summary>
    public string Name => $"{Port.ToString(CultureInfo.InvariantCulture)}{Separator}{AgentLabel}{Suffix}";

    /// <summary>Whether <paramref name="host"/> is shaped as a proxy host (ends in <c>.localhost</c> and carries <c>--</c>): such a request is the proxy's alone, parsed or not.</summary>
    public static bool IsProxyShaped(HostString host)
        => host.HasValue
            && host.Host.EndsWith(Suffix, StringComparison.OrdinalIgnoreCase)
            && host.Host.Contains(Separator, StringComparison.Ordinal);

    /// <summary>Parses <c>{port}--{agent}.localhost</c> (port 1–65535 without leading zeros, agent letters, digits and hyphens); the agent label is lowercased.</summary>
    public static bool TryParse(string host, out PortProxyHost parsed)
    {
        parsed = default;
        if (!host.EndsWith(Suffix, StringComparison.OrdinalIgnoreCase))
            return false;
        var label = host.AsSpan(0, host.Length - Suffix.Length);
        var separator = label.IndexOf(Separator, StringComparison.Ordinal);
        if (separator is < 1 or > 5 || label[0] == '0')
            return false;
        var digits = label[..separator];
        foreach (var c in digits)
        {
            if (!char.IsAsciiDigit(c))
                return false;
        }

        var port = int.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);
        var agent = label[(separator + Separator.Length)..];
        if (port is < 1 or > ushort.MaxValue || agent.Length is 0 or > 64)
            return false;
        foreach (var c in agent)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '-')
                return false;
        }

        parsed = new PortProxyHost(port, agent.ToString().ToLowerInvariant());
        return true;
    }
}
