using System.Net;
using System.Security.Cryptography;

namespace Agent.Runtime.Discovery;

/// <summary>
/// What an agent announces on the LAN: its name, its SSH address and its host keys, under a UUID derived from its
/// first host key (stable across restarts, different for every agent with its own keys).
/// </summary>
public sealed record AgentAnnouncement(string Name, IPEndPoint Ssh, IReadOnlyList<HostKeyRecord> Keys, string Version)
{
    /// <summary>The UPnP device type of an agent, the SSDP search target that finds only agents.</summary>
    public const string DeviceType = "urn:agent-workspace:device:WorkspaceAgent:1";

    /// <summary>The DNS-SD service type.</summary>
    public const string ServiceType = "_ssh._tcp.local";

    /// <summary>The device's UUID (UPnP <c>UDN</c> without the <c>uuid:</c> prefix).</summary>
    public Guid Uuid { get; } = UuidOf(Keys);

    /// <summary>The DNS-SD instance label: the name, cut to the 63 bytes a DNS label holds.</summary>
    public string InstanceLabel => DnsLabel.Cut(Name);

    /// <summary>The mDNS host name that carries the address: <c>agent-NAME-xxxxxx.local</c> (never the machine's own name, which its own responder owns).</summary>
    public string HostName => $"agent-{DnsLabel.HostSafe(Name)}-{Uuid.ToString("N")[..6]}.local";

    /// <summary>The announcement of <paramref name="name"/> at <paramref name="ssh"/> with the OpenSSH public-key lines <paramref name="publicKeys"/>.</summary>
    public static AgentAnnouncement Create(string name, IPEndPoint ssh, IEnumerable<string> publicKeys, string version)
        => new(name, ssh, publicKeys.Select(HostKeyRecord.FromPublicKeyLine).OfType<HostKeyRecord>().ToList(), version);

    private static Guid UuidOf(IReadOnlyList<HostKeyRecord> keys)
    {
        var seed = keys.Count == 0 ? "agent" : keys[0].Base64;
        var hash = SHA256.HashData(System.Text.Encoding.ASCII.GetBytes("agent-discovery:" + seed)).AsSpan(0, 16).ToArray();
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash, bigEndian: true);
    }
}
