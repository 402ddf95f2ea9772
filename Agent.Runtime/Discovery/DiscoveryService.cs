using System.Net;
using System.Net.Sockets;
using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Discovery;

/// <summary>
/// <c>agent run --discovery</c>: the description listener, SSDP and DNS-SD on the interface of the SSH address.
/// A protocol whose port cannot be bound (another responder holding it exclusively) is logged and left out; the
/// others run. Disposing sends SSDP's byebye and mDNS's goodbye, then closes the sockets.
/// </summary>
public static class DiscoveryService
{
    /// <summary>The IP TTL of SSDP datagrams (UDA 1.1 recommends 2) and of mDNS ones (RFC 6762 requires 255).</summary>
    private const int SsdpTtl = 2;
    private const int MdnsTtl = 255;

    /// <summary>
    /// Starts announcing <paramref name="settings"/>'s agent at the listener of <paramref name="bound"/> on its address,
    /// with the OpenSSH public-key lines <paramref name="publicKeys"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">No SSH listener is bound on the settings' address.</exception>
    public static IDisposable Start(
        DiscoverySettings settings, IReadOnlyList<IPEndPoint> bound, IReadOnlyList<string> publicKeys, string version, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(bound);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        var ssh = bound.FirstOrDefault(endpoint => endpoint.Address.Equals(settings.Address))
            ?? throw new InvalidOperationException($"no SSH listener on {settings.Address} to announce");
        var logger = loggerFactory.CreateLogger("Agent.Discovery");
        var announcement = AgentAnnouncement.Create(settings.Name, ssh, publicKeys, version);
        var scheduler = DefaultScheduler.Instance;
        var parts = new Stack<IDisposable>();
        DescriptionServer description;
        try
        {
            description = DescriptionServer.Start(ssh.Address, AgentDescription.Write(announcement), logger);
        }
        catch (SocketException e)
        {
            logger.DiscoveryNotStarted("the description listener", e.Message);
            return Disposable.Empty;
        }

        parts.Push(description);
        var identity = new SsdpIdentity(
            announcement.Uuid, description.Location, settings.Timings.MaxAge, DateTimeOffset.UtcNow.ToUnixTimeSeconds(), $"Linux/{Environment.OSVersion.Version} UPnP/1.1 agent/{version}");
        if (Open("SSDP", SsdpFormat.Group, ssh.Address, SsdpTtl, SsdpMessage.MaxBytes, logger) is { } ssdpSocket)
        {
            var ssdp = new SsdpAdvertiser(identity, settings.Timings.Interval, scheduler, ssdpSocket.Send, Random.Shared.NextDouble, SourceRateLimit.Default(), logger);
            parts.Push(ssdpSocket);
            parts.Push(ssdp);
            ssdpSocket.Start((datagram, source, multicast) => ssdp.Receive(datagram.Span, source, multicast));
            ssdp.Start();
        }

        var records = new MdnsRecordSet(announcement, description.Location);
        if (Open("mDNS", MdnsAdvertiser.Group, ssh.Address, MdnsTtl, DnsMessage.MaxBytes, logger) is { } mdnsSocket)
        {
            var mdns = new MdnsAdvertiser(records, scheduler, mdnsSocket.Send, SourceRateLimit.Default(), logger);
            parts.Push(mdnsSocket);
            parts.Push(mdns);
            mdnsSocket.Start((packet, source, _) => mdns.Receive(packet.Span, source));
            mdns.Start();
        }

        logger.DiscoveryStarted(announcement.Name, ssh, description.Location, records.InstanceName);
        return Disposable.Create(() =>
        {
            while (parts.TryPop(out var part))
                part.Dispose();
            logger.DiscoveryStopped(announcement.Name);
        });
    }

    private static MulticastSocket? Open(string protocol, IPEndPoint group, IPAddress address, int ttl, int maxBytes, ILogger logger)
    {
        try
        {
            return MulticastSocket.Open(protocol, group, address, ttl, maxBytes, logger);
        }
        catch (SocketException e)
        {
            logger.DiscoveryNotStarted(protocol, e.Message);
            return null;
        }
    }
}
