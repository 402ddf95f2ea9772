namespace Agent.Runtime.Discovery;

/// <summary>What every SSDP message of one agent says: its UUID, its description's URL, how long it may be cached, its boot.</summary>
/// <param name="Uuid">The device's UUID.</param>
/// <param name="Location">The description's URL (<c>LOCATION</c>).</param>
/// <param name="MaxAge">How long an announcement holds (<c>CACHE-CONTROL: max-age</c>).</param>
/// <param name="BootId">UPnP 1.1's <c>BOOTID.UPNP.ORG</c>: grows with every start (the start's Unix time).</param>
/// <param name="Server">The <c>SERVER</c> header: <c>OS/version UPnP/1.1 product/version</c>.</param>
public sealed record SsdpIdentity(Guid Uuid, Uri Location, TimeSpan MaxAge, long BootId, string Server);
