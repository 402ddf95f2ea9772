using System.Net;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Discovery;

/// <summary>Log events of LAN discovery: SSDP, mDNS and the description listener (event ids 6780-6799).</summary>
internal static partial class DiscoveryLog
{
    [LoggerMessage(EventId = 6780, Level = LogLevel.Information, Message = "Announcing agent {Name} (SSH {Ssh}) on the local network by SSDP (description {Location}) and DNS-SD _ssh._tcp as {Instance}")]
    public static partial void DiscoveryStarted(this ILogger logger, string name, IPEndPoint ssh, Uri location, string instance);

    [LoggerMessage(EventId = 6781, Level = LogLevel.Warning, Message = "LAN discovery: {Protocol} could not start: {Error}; the agent runs without it")]
    public static partial void DiscoveryNotStarted(this ILogger logger, string protocol, string error);

    [LoggerMessage(EventId = 6782, Level = LogLevel.Debug, Message = "SSDP datagram from {Source} ignored: {Reason}")]
    public static partial void SsdpDatagramIgnored(this ILogger logger, IPEndPoint source, string reason);

    [LoggerMessage(EventId = 6783, Level = LogLevel.Debug, Message = "*security*: SSDP M-SEARCH from {Source} not answered: over its rate limit")]
    public static partial void SsdpSearchRateLimited(this ILogger logger, IPAddress source);

    [LoggerMessage(EventId = 6784, Level = LogLevel.Debug, Message = "mDNS packet from {Source} ignored: {Reason}")]
    public static partial void MdnsPacketIgnored(this ILogger logger, IPEndPoint source, string reason);

    [LoggerMessage(EventId = 6785, Level = LogLevel.Debug, Message = "*security*: mDNS query from {Source} not answered: over its rate limit")]
    public static partial void MdnsQueryRateLimited(this ILogger logger, IPAddress source);

    [LoggerMessage(EventId = 6786, Level = LogLevel.Information, Message = "LAN discovery stopped: SSDP byebye and mDNS goodbye sent for {Name}")]
    public static partial void DiscoveryStopped(this ILogger logger, string name);

    [LoggerMessage(EventId = 6787, Level = LogLevel.Debug, Message = "*security*: description request from {Source} refused: {Reason}")]
    public static partial void DescriptionRefused(this ILogger logger, IPEndPoint? source, string reason);

    [LoggerMessage(EventId = 6788, Level = LogLevel.Debug, Message = "LAN discovery: sending {What} to {Destination} failed: {Error}")]
    public static partial void DiscoverySendFailed(this ILogger logger, string what, IPEndPoint destination, string error);

    [LoggerMessage(EventId = 6789, Level = LogLevel.Debug, Message = "SSDP M-SEARCH from {Source} for {Target}: {Count} answers after {Delay}")]
    public static partial void SsdpSearchAnswered(this ILogger logger, IPEndPoint source, string target, int count, TimeSpan delay);

    [LoggerMessage(EventId = 6790, Level = LogLevel.Debug, Message = "mDNS query from {Source} answered with {Count} records ({Mode})")]
    public static partial void MdnsQueryAnswered(this ILogger logger, IPEndPoint source, int count, string mode);
}
