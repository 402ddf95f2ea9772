namespace Agent.Runtime.Discovery;

/// <summary>How long an SSDP announcement holds (<c>max-age</c>) and how often it is sent again (under half of it, as UPnP asks).</summary>
public sealed record DiscoveryTimings(TimeSpan MaxAge, TimeSpan Interval)
{
    /// <summary>UPnP's minimum <c>max-age</c> of 30 minutes, announced again every 10 minutes.</summary>
    public static DiscoveryTimings Default { get; } = new(TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(10));
}
