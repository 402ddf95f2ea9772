using System.Net;

namespace Agent.Runtime.Sshd.Server;

/// <summary>Parses <c>--ssh-address</c>: <c>HOST:PORT</c> with an IP address, <c>localhost</c>, or <c>*</c> / nothing for every interface.</summary>
public static class SshListenAddress
{
    public static IPEndPoint Parse(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var text = address.Trim();
        var colon = text.LastIndexOf(':');
        if (colon < 0 || !ushort.TryParse(text.AsSpan(colon + 1), out var port))
            throw new FormatException($"SSH address \"{address}\" must be HOST:PORT (port 0-65535)");
        var host = text[..colon].Trim('[', ']');
        if (host.Length == 0 || host == "*")
            return new IPEndPoint(IPAddress.IPv6Any, port);
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
            return new IPEndPoint(IPAddress.Loopback, port);
        return IPAddress.TryParse(host, out var ip)
            ? new IPEndPoint(ip, port)
            : throw new FormatException($"SSH address \"{address}\": the host must be an IP address, localhost or *");
    }
}
