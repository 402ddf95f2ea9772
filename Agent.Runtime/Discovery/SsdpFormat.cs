using System.Globalization;
using System.Net;
using System.Text;

namespace Agent.Runtime.Discovery;

/// <summary>The SSDP messages of UPnP Device Architecture 1.1, section 1: NOTIFY alive and byebye, search responses, M-SEARCH.</summary>
public static class SsdpFormat
{
    public const string RootDevice = "upnp:rootdevice";

    public const string All = "ssdp:all";

    /// <summary>SSDP's multicast group and port.</summary>
    public static readonly IPEndPoint Group = new(IPAddress.Parse("239.255.255.250"), 1900);

    /// <summary>The notification types an agent announces: root device, its UUID, its device type.</summary>
    public static IReadOnlyList<string> NotificationTypes(Guid uuid) => [RootDevice, Uuid(uuid), AgentAnnouncement.DeviceType];

    public static string Uuid(Guid uuid) => "uuid:" + uuid.ToString("D");

    /// <summary>The unique service name of <paramref name="type"/> (the UUID alone for the UUID type).</summary>
    public static string Usn(Guid uuid, string type) => type == Uuid(uuid) ? type : Uuid(uuid) + "::" + type;

    public static byte[] Alive(SsdpIdentity identity, string type)
        => Message(
            "NOTIFY * HTTP/1.1",
            ("HOST", "239.255.255.250:1900"),
            ("CACHE-CONTROL", MaxAge(identity)),
            ("LOCATION", identity.Location.ToString()),
            ("NT", type),
            ("NTS", "ssdp:alive"),
            ("SERVER", identity.Server),
            ("USN", Usn(identity.Uuid, type)),
            ("BOOTID.UPNP.ORG", identity.BootId.ToString(CultureInfo.InvariantCulture)),
            ("CONFIGID.UPNP.ORG", "1"));

    public static byte[] ByeBye(SsdpIdentity identity, string type)
        => Message(
            "NOTIFY * HTTP/1.1",
            ("HOST", "239.255.255.250:1900"),
            ("NT", type),
            ("NTS", "ssdp:byebye"),
            ("USN", Usn(identity.Uuid, type)),
            ("BOOTID.UPNP.ORG", identity.BootId.ToString(CultureInfo.InvariantCulture)),
            ("CONFIGID.UPNP.ORG", "1"));

    public static byte[] SearchResponse(SsdpIdentity identity, string type, DateTimeOffset now)
        => Message(
            "HTTP/1.1 200 OK",
            ("CACHE-CONTROL", MaxAge(identity)),
            ("DATE", now.ToString("r", CultureInfo.InvariantCulture)),
            ("EXT", string.Empty),
            ("LOCATION", identity.Location.ToString()),
            ("SERVER", identity.Server),
            ("ST", type),
            ("USN", Usn(identity.Uuid, type)),
            ("BOOTID.UPNP.ORG", identity.BootId.ToString(CultureInfo.InvariantCulture)),
            ("CONFIGID.UPNP.ORG", "1"));

    /// <summary>A multicast M-SEARCH for <paramref name="target"/> with the response delay <paramref name="mx"/> in seconds.</summary>
    public static byte[] Search(string target, int mx)
        => Message(
            "M-SEARCH * HTTP/1.1",
            ("HOST", "239.255.255.250:1900"),
            ("MAN", "\"ssdp:discover\""),
            ("MX", mx.ToString(CultureInfo.InvariantCulture)),
            ("ST", target));

    private static string MaxAge(SsdpIdentity identity)
        => "max-age=" + ((int)identity.MaxAge.TotalSeconds).ToString(CultureInfo.InvariantCulture);

    private static byte[] Message(string startLine, params (string Name, string Value)[] headers)
    {
        var builder = new StringBuilder(startLine).Append("\r\n");
        foreach (var (name, value) in headers)
            builder.Append(name).Append(": ").Append(value).Append("\r\n");
        return Encoding.ASCII.GetBytes(builder.Append("\r\n").ToString());
    }
}
