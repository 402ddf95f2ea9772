using System.Net;
using System.Text;

namespace Agent.Runtime.Discovery;

/// <summary>
/// One DNS resource record of the few types discovery uses. <see cref="Name"/> and <see cref="Target"/> are dotted
/// names with a dot or backslash inside a label escaped by a backslash (DNS-SD instance names may hold dots).
/// </summary>
/// <param name="Name">The owner name.</param>
/// <param name="Type">The record type (<see cref="DnsType"/>).</param>
/// <param name="Ttl">Seconds the record may be cached; 0 says goodbye.</param>
/// <param name="CacheFlush">mDNS's cache-flush bit: this responder owns the whole set of this name and type.</param>
/// <param name="Data">The record data, as on the wire (names uncompressed).</param>
/// <param name="Target">The name a PTR or SRV record points at, decoded.</param>
/// <param name="Port">An SRV record's port.</param>
public sealed record DnsRecord(string Name, ushort Type, uint Ttl, bool CacheFlush, byte[] Data, string? Target = null, ushort Port = 0)
{
    public static DnsRecord Ptr(string name, string target, uint ttl)
        => new(name, DnsType.Ptr, ttl, false, DnsName.Encode(target), target);

    public static DnsRecord Srv(string name, string target, ushort port, uint ttl)
    {
        var data = new byte[6].Concat(DnsName.Encode(target)).ToArray();
        data[4] = (byte)(port >> 8);
        data[5] = (byte)port;
        return new DnsRecord(name, DnsType.Srv, ttl, true, data, target, port);
    }

    public static DnsRecord Txt(string name, IEnumerable<string> strings, uint ttl)
    {
        var data = new List<byte>();
        foreach (var text in strings)
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            var length = Math.Min(bytes.Length, 255);
            data.Add((byte)length);
            data.AddRange(bytes.AsSpan(0, length).ToArray());
        }

        return new DnsRecord(name, DnsType.Txt, ttl, true, [.. data]);
    }

    public static DnsRecord Address(string name, IPAddress address, uint ttl)
        => new(name, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? DnsType.Aaaa : DnsType.A, ttl, true, address.GetAddressBytes());

    /// <summary>The strings of a TXT record (empty for other types or malformed data).</summary>
    public IReadOnlyList<string> Texts()
    {
        var texts = new List<string>();
        if (Type != DnsType.Txt)
            return texts;
        for (var i = 0; i < Data.Length;)
        {
            var length = Data[i];
            if (i + 1 + length > Data.Length)
                return [];
            texts.Add(Encoding.UTF8.GetString(Data, i + 1, length));
            i += 1 + length;
        }

        return texts;
    }

    /// <summary>The address of an A or AAAA record, or <c>null</c>.</summary>
    public IPAddress? AddressValue()
        => (Type == DnsType.A && Data.Length == 4) || (Type == DnsType.Aaaa && Data.Length == 16) ? new IPAddress(Data) : null;
}
