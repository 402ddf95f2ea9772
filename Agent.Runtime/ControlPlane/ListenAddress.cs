using System.Globalization;
using System.Net;
using Agent.Runtime.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Agent.Runtime.ControlPlane;

/// <summary>A parsed <c>host:port</c> listen address: an IP address, <c>localhost</c>, or <c>*</c> for every interface.</summary>
internal sealed record ListenAddress(IPAddress? Ip, bool Localhost, int Port)
{
    /// <summary>Whether only this machine can connect: <c>localhost</c>, 127.0.0.0/8 or <c>::1</c>.</summary>
    public bool IsLoopback => Localhost || (Ip is not null && ApiListenAddress.IsLoopback(Ip));

    /// <exception cref="ArgumentException">The address is not <c>host:port</c>.</exception>
    public static ListenAddress Parse(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var text = address.Trim();
        if (text.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
            text = text["http://".Length..].TrimEnd('/');
        var colon = text.LastIndexOf(':');
        if (colon < 0
            || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            || port > IPEndPoint.MaxPort)
        {
            throw new ArgumentException($"listen address \"{address}\" must be host:port (port 0-65535)", nameof(address));
        }

        var host = text[..colon].Trim('[', ']');
        if (host.Length == 0 || host == "*")
            return new ListenAddress(null, false, port);
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
            return port == 0 ? new ListenAddress(IPAddress.Loopback, false, 0) : new ListenAddress(null, true, port);
        if (IPAddress.TryParse(host, out var ip))
            return new ListenAddress(ip, false, port);
        throw new ArgumentException($"listen address \"{address}\": host must be an IP address, localhost or *", nameof(address));
    }

    public void Apply(KestrelServerOptions kestrel, Action<ListenOptions> configure)
    {
        if (Localhost)
            kestrel.ListenLocalhost(Port, configure);
        else if (Ip is null)
            kestrel.ListenAnyIP(Port, configure);
        else
            kestrel.Listen(Ip, Port, configure);
    }
}
