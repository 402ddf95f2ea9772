using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace Agent.Runtime.Discovery;

/// <summary>
/// The UPnP device description an agent serves at its SSDP <c>LOCATION</c>: the standard device elements (type,
/// friendly name = the agent's name, UDN) and, in the agent's own namespace, its SSH address and its host keys, each
/// with its fingerprint. Written and read by hand, without an XML library (which would add megabytes to the NativeAOT
/// binary): reading takes only the few elements it needs from at most 64 KiB and refuses any DTD or entity
/// declaration, since the document comes from anyone on the LAN.
/// </summary>
public sealed partial record AgentDescription(string Name, string Udn, string SshHost, int SshPort, IReadOnlyList<HostKeyRecord> Keys)
{
    /// <summary>The largest description read.</summary>
    public const int MaxBytes = 64 * 1024;

    /// <summary>The path of the description on the agent's description listener.</summary>
    public const string Path = "/agent.xml";

    private const int MaxKeys = 16;

    /// <summary>The document of <paramref name="announcement"/>.</summary>
    public static string Write(AgentAnnouncement announcement)
    {
        ArgumentNullException.ThrowIfNull(announcement);
        var xml = new StringBuilder()
            .Append("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n")
            .Append("<root xmlns=\"urn:schemas-upnp-org:device-1-0\" xmlns:agent=\"urn:agent-workspace:agent-1-0\">")
            .Append("<specVersion><major>1</major><minor>1</minor></specVersion><device>")
            .Append("<deviceType>").Append(AgentAnnouncement.DeviceType).Append("</deviceType>")
            .Append("<friendlyName>").Append(Escape(announcement.Name)).Append("</friendlyName>")
            .Append("<manufacturer>Agent</manufacturer><modelName>agent</modelName>")
            .Append("<modelNumber>").Append(Escape(announcement.Version)).Append("</modelNumber>")
            .Append("<UDN>uuid:").Append(announcement.Uuid.ToString("D")).Append("</UDN>")
            .Append("<agent:sshAddress>").Append(SshAddress(announcement.Ssh.Address.ToString(), announcement.Ssh.Port)).Append("</agent:sshAddress>")
            .Append("<agent:hostKeys>");
        foreach (var key in announcement.Keys)
            xml.Append("<agent:hostKey type=\"").Append(Escape(key.Type)).Append("\" fingerprint=\"").Append(Escape(key.Fingerprint)).Append("\">").Append(Escape(key.Base64)).Append("</agent:hostKey>");
        return xml.Append("</agent:hostKeys></device></root>\n").ToString();
    }

    /// <summary>The description in <paramref name="xml"/>, or <c>null</c> with <paramref name="problem"/> when it is not an agent's.</summary>
    public static AgentDescription? Parse(string xml, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(xml);
        problem = null;
        if (xml.Length > MaxBytes)
        {
            problem = $"over {MaxBytes} bytes";
            return null;
        }

        if (xml.Contains("<!DOCTYPE", StringComparison.OrdinalIgnoreCase) || xml.Contains("<!ENTITY", StringComparison.OrdinalIgnoreCase))
        {
            problem = "a document type or entity declaration";
            return null;
        }

        if (Element(xml, "deviceType") != AgentAnnouncement.DeviceType)
        {
            problem = "not an agent's description";
            return null;
        }

        if (!TryParseSshAddress(Element(xml, "sshAddress"), out var host, out var port))
        {
            problem = "no valid sshAddress";
            return null;
        }

        var keys = new List<HostKeyRecord>();
        foreach (Match key in HostKey().Matches(xml))
        {
            if (keys.Count == MaxKeys)
                break;
            var attributes = Attribute().Matches(key.Groups[1].Value).ToDictionary(match => match.Groups[1].Value, match => WebUtility.HtmlDecode(match.Groups[2].Value), StringComparer.Ordinal);
            keys.Add(new HostKeyRecord(attributes.GetValueOrDefault("type") ?? string.Empty, WebUtility.HtmlDecode(key.Groups[2].Value).Trim(), attributes.GetValueOrDefault("fingerprint") ?? string.Empty));
        }

        return new AgentDescription(Element(xml, "friendlyName") ?? string.Empty, Element(xml, "UDN") ?? string.Empty, host, port, keys);
    }

    /// <summary><c>host:port</c>, with brackets around an IPv6 host.</summary>
    public static string SshAddress(string host, int port)
        => (host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host) + ":" + port.ToString(CultureInfo.InvariantCulture);

    private static string Escape(string text)
        => text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal)
            .Replace("\"", "&quot;", StringComparison.Ordinal).Replace("'", "&apos;", StringComparison.Ordinal);

    // The text of the first element named `name` (any namespace prefix), entities decoded.
    private static string? Element(string xml, string name)
    {
        var match = Regex.Match(xml, $@"<(?:[\w.-]+:)?{name}\s*>([^<]*)</(?:[\w.-]+:)?{name}\s*>", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        return match.Success ? WebUtility.HtmlDecode(match.Groups[1].Value).Trim() : null;
    }

    private static bool TryParseSshAddress(string? value, out string host, out int port)
    {
        host = string.Empty;
        port = 0;
        var colon = value?.LastIndexOf(':') ?? -1;
        if (value is null || colon <= 0 || !int.TryParse(value.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535)
            return false;
        host = value[..colon].Trim('[', ']');
        return IPAddress.TryParse(host, out _);
    }

    [GeneratedRegex(@"<(?:[\w.-]+:)?hostKey(\s[^>]*)>([^<]*)</(?:[\w.-]+:)?hostKey\s*>", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex HostKey();

    [GeneratedRegex(@"([\w:.-]+)\s*=\s*""([^""]*)""", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Attribute();
}
