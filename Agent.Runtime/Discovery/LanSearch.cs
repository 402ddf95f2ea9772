using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text;

namespace Agent.Runtime.Discovery;

/// <summary>
/// <c>agent discover</c>'s search: on every up, multicast-capable, non-loopback IPv4 interface an SSDP M-SEARCH for
/// agents and an mDNS query for <c>_ssh._tcp</c> (answered by legacy unicast), answers collected until the timeout;
/// then each agent's description fetched from its <c>LOCATION</c> (or its DNS-SD <c>description=</c> URL) and checked.
/// Nothing on the LAN is trusted: a URL is fetched only from the host that sent it (no request to a third host or to
/// loopback on anyone's word), descriptions are capped at 64 KiB and 3 s, at most 64 agents are fetched.
/// </summary>
public static class LanSearch
{
    public const int MaxAgents = 64;

    private static readonly TimeSpan FetchTimeout = TimeSpan.FromSeconds(3);

    /// <summary>Searches for <paramref name="timeout"/> and returns the agents found, ordered by name.</summary>
    public static async Task<IReadOnlyList<DiscoveredAgent>> SearchAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var locations = new Dictionary<Uri, string>();
        var fingerprints = new Dictionary<Uri, HashSet<string>>();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var sockets = new List<Socket>();
        try
        {
            var listeners = new List<Task>();
            foreach (var address in LocalAddresses())
            {
                try
                {
                    listeners.AddRange(await SendAsync(address, timeout, sockets, locations, fingerprints, deadline.Token, cancellationToken));
                }
                catch (SocketException)
                {
                    // An interface that cannot send multicast (no route, down since it was listed) is skipped; the others search.
                }
            }

            await Task.WhenAll(listeners);
        }
        finally
        {
            foreach (var socket in sockets)
                socket.Dispose();
        }

        cancellationToken.ThrowIfCancellationRequested();
        List<KeyValuePair<Uri, string>> found;
        lock (locations)
            found = locations.Take(MaxAgents).ToList();
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false }) { Timeout = FetchTimeout, MaxResponseContentBufferSize = AgentDescription.MaxBytes };
        var agents = await Task.WhenAll(found.Select(pair => FetchAsync(http, pair.Key, pair.Value, fingerprints.GetValueOrDefault(pair.Key), cancellationToken)));
        return agents.OfType<DiscoveredAgent>()
            .GroupBy(agent => agent.Udn)
            .Select(group => group.First())
            .OrderBy(agent => agent.Name, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>The IPv4 addresses of the interfaces that are up, multicast-capable and not loopback.</summary>
    public static IReadOnlyList<IPAddress> LocalAddresses()
        => NetworkInterface.GetAllNetworkInterfaces()
            .Where(nic => nic.OperationalStatus is OperationalStatus.Up or OperationalStatus.Unknown && nic.SupportsMulticast && nic.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(nic => nic.GetIPProperties().UnicastAddresses)
            .Select(unicast => unicast.Address)
            .Where(address => address.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(address))
            .Distinct()
            .ToList();

    private static async Task<List<Task>> SendAsync(
        IPAddress address, TimeSpan timeout, List<Socket> sockets, Dictionary<Uri, string> locations, Dictionary<Uri, HashSet<string>> fingerprints, CancellationToken deadline, CancellationToken cancellationToken)
    {
        var listeners = new List<Task>();
        var ssdp = Open(address, 2);
        sockets.Add(ssdp);
        var search = SsdpFormat.Search(AgentAnnouncement.DeviceType, Math.Clamp((int)timeout.TotalSeconds - 1, 1, SsdpAdvertiser.MaxMx));
        await ssdp.SendToAsync(search, SsdpFormat.Group, cancellationToken);
        await ssdp.SendToAsync(search, SsdpFormat.Group, cancellationToken);
        listeners.Add(ReceiveAsync(ssdp, SsdpMessage.MaxBytes, (datagram, source) => OnSsdp(datagram, source, locations), deadline));
        var mdns = Open(address, 255);
        sockets.Add(mdns);
        var query = DnsMessage.Query((ushort)Random.Shared.Next(1, ushort.MaxValue), new DnsQuestion(AgentAnnouncement.ServiceType, DnsType.Ptr)).ToBytes();
        await mdns.SendToAsync(query, MdnsAdvertiser.Group, cancellationToken);
        listeners.Add(ReceiveAsync(mdns, DnsMessage.MaxBytes, (packet, source) => OnMdns(packet, source, locations, fingerprints), deadline));
        return listeners;
    }

    private static Socket Open(IPAddress address, int ttl)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(address, 0));
        socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastInterface, address.GetAddressBytes());
        socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastTimeToLive, ttl);
        return socket;
    }

    private static async Task ReceiveAsync(Socket socket, int maxBytes, Action<ReadOnlyMemory<byte>, IPEndPoint> receive, CancellationToken deadline)
    {
        var buffer = new byte[maxBytes + 1];
        while (!deadline.IsCancellationRequested)
        {
            try
            {
                var result = await socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), deadline);
                if (result.ReceivedBytes <= maxBytes)
                    receive(buffer.AsMemory(0, result.ReceivedBytes), (IPEndPoint)result.RemoteEndPoint);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (SocketException)
            {
                // A port-unreachable from an earlier send, or a closing socket: keep listening until the deadline.
            }
        }
    }

    private static void OnSsdp(ReadOnlyMemory<byte> datagram, IPEndPoint source, Dictionary<Uri, string> locations)
    {
        var message = SsdpMessage.TryParse(datagram.Span, out _);
        if (message is { IsResponse: true } && message["ST"] == AgentAnnouncement.DeviceType && FromSender(message["LOCATION"], source) is { } location)
            Add(locations, location, "ssdp");
    }

    private static void OnMdns(ReadOnlyMemory<byte> packet, IPEndPoint source, Dictionary<Uri, string> locations, Dictionary<Uri, HashSet<string>> fingerprints)
    {
        DnsMessage message;
        try
        {
            message = DnsMessage.Parse(packet.Span);
        }
        catch (FormatException)
        {
            return;
        }

        if (!message.IsResponse)
            return;
        foreach (var texts in message.Records.Where(record => record.Type == DnsType.Txt && record.Name.EndsWith("." + AgentAnnouncement.ServiceType, StringComparison.OrdinalIgnoreCase)).Select(record => record.Texts()))
        {
            var description = texts.FirstOrDefault(text => text.StartsWith(MdnsRecordSet.Texts.Description, StringComparison.Ordinal));
            if (description is null || FromSender(description[MdnsRecordSet.Texts.Description.Length..], source) is not { } location)
                continue;
            Add(locations, location, "mdns");
            lock (locations)
            {
                var set = fingerprints.TryGetValue(location, out var known) ? known : fingerprints[location] = [];
                foreach (var text in texts.Where(text => text.StartsWith(MdnsRecordSet.Texts.FingerprintPrefix, StringComparison.Ordinal)).Take(16))
                    set.Add(text[MdnsRecordSet.Texts.FingerprintPrefix.Length..]);
            }
        }
    }

    private static void Add(Dictionary<Uri, string> locations, Uri location, string foundBy)
    {
        lock (locations)
        {
            if (locations.TryGetValue(location, out var known))
            {
                if (!known.Contains(foundBy, StringComparison.Ordinal))
                    locations[location] = known + "+" + foundBy;
            }
            else if (locations.Count < MaxAgents)
            {
                locations[location] = foundBy;
            }
        }
    }

    // A description URL is followed only when it is plain http on the very address that announced it.
    private static Uri? FromSender(string? value, IPEndPoint source)
        => Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttp
            && IPAddress.TryParse(uri.Host.Trim('[', ']'), out var host) && host.Equals(source.Address)
            ? uri
            : null;

    private static async Task<DiscoveredAgent?> FetchAsync(HttpClient http, Uri location, string foundBy, HashSet<string>? dnsSdFingerprints, CancellationToken cancellationToken)
    {
        string xml;
        try
        {
            using var response = await http.GetAsync(location, cancellationToken);
            if (!response.IsSuccessStatusCode)
                return null;
            xml = Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync(cancellationToken));
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }

        var description = AgentDescription.Parse(xml, out _);
        if (description is null)
            return null;
        string? problem = null;
        if (description.Keys.Count == 0)
            problem = "no host keys";
        else if (description.Keys.FirstOrDefault(key => !key.IsConsistent()) is { } bad)
            problem = $"the {bad.Type} key does not match its fingerprint {bad.Fingerprint}";
        else if (!IPAddress.Parse(description.SshHost).Equals(IPAddress.Parse(location.Host.Trim('[', ']'))))
            problem = $"its SSH address {description.SshHost} is not the address that announced it ({location.Host})";
        else if (dnsSdFingerprints is { Count: > 0 } && !dnsSdFingerprints.SetEquals(description.Keys.Select(key => key.Type + "=" + key.Fingerprint)))
            problem = "its DNS-SD fingerprints differ from its description's";
        return new DiscoveredAgent(description.Name, description.Udn, description.SshHost, description.SshPort, description.Keys, location, foundBy, problem);
    }
}
