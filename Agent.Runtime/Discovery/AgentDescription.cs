using System.Globalization;
using System.Xml;
using System.Xml.Linq;

namespace Agent.Runtime.Discovery;

/// <summary>
/// The UPnP device description an agent serves at its SSDP <c>LOCATION</c>: the standard device elements (type,
/// friendly name = the agent's name, UDN) and, in the agent's own namespace, its SSH address and its host keys, each
/// with its fingerprint. Parsing is bounded (64 KiB, no DTD) since the document comes from anyone on the LAN.
/// </summary>
public sealed record AgentDescription(string Name, string Udn, string SshHost, int SshPort, IReadOnlyList<HostKeyRecord> Keys)
{
    /// <summary>The largest description read.</summary>
    public const int MaxBytes = 64 * 1024;

    /// <summary>The path of the description on the agent's description listener.</summary>
    public const string Path = "/agent.xml";

    private static readonly XNamespace Upnp = "urn:schemas-upnp-org:device-1-0";
    private static readonly XNamespace Ours = "urn:agent-workspace:agent-1-0";

    /// <summary>The document of <paramref name="announcement"/>.</summary>
    public static string Write(AgentAnnouncement announcement)
    {
        ArgumentNullException.ThrowIfNull(announcement);
        var device = new XElement(
            Upnp + "device",
            new XElement(Upnp + "deviceType", AgentAnnouncement.DeviceType),
            new XElement(Upnp + "friendlyName", announcement.Name),
            new XElement(Upnp + "manufacturer", "Agent"),
            new XElement(Upnp + "modelName", "agent"),
            new XElement(Upnp + "modelNumber", announcement.Version),
            new XElement(Upnp + "UDN", "uuid:" + announcement.Uuid.ToString("D")),
            new XElement(Ours + "sshAddress", SshAddress(announcement.Ssh.Address.ToString(), announcement.Ssh.Port)),
            new XElement(
                Ours + "hostKeys",
                announcement.Keys.Select(key => new XElement(Ours + "hostKey", new XAttribute("type", key.Type), new XAttribute("fingerprint", key.Fingerprint), key.Base64))));
        var root = new XElement(
            Upnp + "root",
            new XAttribute(XNamespace.Xmlns + "agent", Ours.NamespaceName),
            new XElement(Upnp + "specVersion", new XElement(Upnp + "major", "1"), new XElement(Upnp + "minor", "1")),
            device);
        return "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n" + root.ToString(SaveOptions.DisableFormatting) + "\n";
    }

    /// <summary>The description in <paramref name="xml"/>, or <c>null</c> with <paramref name="problem"/> when it is not an agent's.</summary>
    public static AgentDescription? Parse(string xml, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(xml);
        problem = null;
        XDocument document;
        try
        {
            var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, MaxCharactersInDocument = MaxBytes };
            using var reader = XmlReader.Create(new StringReader(xml), settings);
            document = XDocument.Load(reader);
        }
        catch (XmlException e)
        {
            problem = "not XML: " + e.Message;
            return null;
        }

        var device = document.Root?.Element(Upnp + "device");
        if (device?.Element(Upnp + "deviceType")?.Value != AgentAnnouncement.DeviceType)
        {
            problem = "not an agent's description";
            return null;
        }

        var name = device.Element(Upnp + "friendlyName")?.Value ?? string.Empty;
        var udn = device.Element(Upnp + "UDN")?.Value ?? string.Empty;
        if (!TryParseSshAddress(device.Element(Ours + "sshAddress")?.Value, out var host, out var port))
        {
            problem = "no valid sshAddress";
            return null;
        }

        var keys = (device.Element(Ours + "hostKeys")?.Elements(Ours + "hostKey") ?? [])
            .Take(16)
            .Select(key => new HostKeyRecord(key.Attribute("type")?.Value ?? string.Empty, key.Value.Trim(), key.Attribute("fingerprint")?.Value ?? string.Empty))
            .ToList();
        return new AgentDescription(name, udn, host, port, keys);
    }

    /// <summary><c>host:port</c>, with brackets around an IPv6 host.</summary>
    public static string SshAddress(string host, int port)
        => (host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host) + ":" + port.ToString(CultureInfo.InvariantCulture);

    private static bool TryParseSshAddress(string? value, out string host, out int port)
    {
        host = string.Empty;
        port = 0;
        var colon = value?.LastIndexOf(':') ?? -1;
        if (value is null || colon <= 0 || !int.TryParse(value.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535)
            return false;
        host = value[..colon].Trim('[', ']');
        return System.Net.IPAddress.TryParse(host, out _);
    }
}
