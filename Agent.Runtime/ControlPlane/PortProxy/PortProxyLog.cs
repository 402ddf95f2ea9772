using Microsoft.Extensions.Logging;

namespace Agent.Runtime.ControlPlane.PortProxy;

/// <summary>The port proxy's lines (event ids 6660–6679): sign-ins of proxy origins, refusals, relays that could not be reached.</summary>
internal static partial class PortProxyLog
{
    [LoggerMessage(EventId = 6660, Level = LogLevel.Information, Message = "Proxy origin {Host} signed in for a dashboard session (credential valid {Minutes:0} min)")]
    public static partial void ProxySignedIn(this ILogger logger, string host, double minutes);

    [LoggerMessage(EventId = 6661, Level = LogLevel.Warning, Message = "Proxy sign-in on {Host} from {Remote} refused: the code is unknown, spent, expired, for another host or its dashboard session ended ({Suppressed} more refused since the last line)")]
    public static partial void ProxyCodeRefused(this ILogger logger, string host, string remote, int suppressed);

    [LoggerMessage(EventId = 6662, Level = LogLevel.Warning, Message = "Proxy sign-in redirect from {Remote} refused: \"{Target}\" is not a port-proxy address of this server ({Suppressed} more refused since the last line)")]
    public static partial void AuthRedirectRefused(this ILogger logger, string remote, string target, int suppressed);

    [LoggerMessage(EventId = 6663, Level = LogLevel.Information, Message = "Proxied request to port {Port} of agent {Agent} not connected: {Reason}")]
    public static partial void ProxyNotConnected(this ILogger logger, string agent, int port, string reason);

    [LoggerMessage(EventId = 6664, Level = LogLevel.Warning, Message = "Proxied requests of agent {Agent} at their cap ({Cap} at once); answered 503 ({Suppressed} more refused since the last line)")]
    public static partial void ProxyFull(this ILogger logger, string agent, int cap, int suppressed);

    [LoggerMessage(EventId = 6665, Level = LogLevel.Debug, Message = "Proxied response from port {Port} of agent {Agent} cut short: {Reason}")]
    public static partial void ProxyResponseCut(this ILogger logger, string agent, int port, string reason);

    [LoggerMessage(EventId = 6666, Level = LogLevel.Debug, Message = "Proxied upgraded connection to port {Port} of agent {Agent} ended: {Reason}")]
    public static partial void ProxyUpgradeEnded(this ILogger logger, string agent, int port, string reason);

    [LoggerMessage(EventId = 6667, Level = LogLevel.Warning, Message = "Proxy origin {Host}: refused a WebSocket or a changing request from {Remote} signed in by the proxy cookie but not from a page of that origin ({Suppressed} more refused since the last line)")]
    public static partial void ProxyCrossOriginRefused(this ILogger logger, string host, string remote, int suppressed);
}
