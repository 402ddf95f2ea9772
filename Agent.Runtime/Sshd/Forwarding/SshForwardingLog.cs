using System.Net;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Sshd.Forwarding;

/// <summary>Log events of forwarding (event ids 2130–2149 for refusals for safety, 5940–5969).</summary>
internal static partial class SshForwardingLog
{
    [LoggerMessage(EventId = 2130, Level = LogLevel.Warning, Message = "SSH connection {Connection}: X11 forwarding refused for session {Channel}: {Reason}")]
    public static partial void X11Refused(this ILogger logger, long connection, uint channel, string reason);

    [LoggerMessage(EventId = 2131, Level = LogLevel.Warning, Message = "SSH connection {Connection}: agent forwarding refused for session {Channel}: {Reason}")]
    public static partial void AgentForwardingRefused(this ILogger logger, long connection, uint channel, string reason);

    [LoggerMessage(EventId = 5940, Level = LogLevel.Information, Message = "Agent forwarding declined: already set up for this session")]
    public static partial void AgentForwardingRepeated(this ILogger logger);

    [LoggerMessage(EventId = 5941, Level = LogLevel.Warning, Message = "Agent forwarding failed: {Reason}")]
    public static partial void AgentForwardingFailed(this ILogger logger, string reason);

    [LoggerMessage(EventId = 5942, Level = LogLevel.Debug, Message = "Could not remove {Directory}: {Reason}")]
    public static partial void DirectoryNotRemoved(this ILogger logger, string directory, string reason);

    [LoggerMessage(EventId = 5943, Level = LogLevel.Information, Message = "Agent forwarding for session {Channel} at {Path}")]
    public static partial void AgentForwardingStarted(this ILogger logger, uint channel, string path);

    [LoggerMessage(EventId = 5944, Level = LogLevel.Debug, Message = "direct-tcpip to {Host}:{Port} for channel {Channel}")]
    public static partial void DirectTcpip(this ILogger logger, string host, uint port, uint channel);

    [LoggerMessage(EventId = 5945, Level = LogLevel.Debug, Message = "direct-streamlocal to {Path} for channel {Channel}")]
    public static partial void DirectStreamLocal(this ILogger logger, string path, uint channel);

    [LoggerMessage(EventId = 5946, Level = LogLevel.Information, Message = "Forwarding to {Destination} failed: {Reason}")]
    public static partial void ForwardingFailed(this ILogger logger, string destination, string reason);

    [LoggerMessage(EventId = 5947, Level = LogLevel.Debug, Message = "Could not remove forwarded socket {Path}: {Reason}")]
    public static partial void SocketNotRemoved(this ILogger logger, string? path, string reason);

    [LoggerMessage(EventId = 5948, Level = LogLevel.Warning, Message = "Refusing a connection to forwarded {Address}: {Max} are relayed already")]
    public static partial void ForwardedConnectionRefused(this ILogger logger, string? address, int max);

    [LoggerMessage(EventId = 5949, Level = LogLevel.Information, Message = "No {Type} channel for a connection to {Address}: {Reason}")]
    public static partial void ForwardedChannelRefused(this ILogger logger, string type, string? address, string reason);

    [LoggerMessage(EventId = 5950, Level = LogLevel.Information, Message = "Forwarding {Bound} (requested {Address}:{Port}) to the SSH client")]
    public static partial void RemoteForwardStarted(this ILogger logger, EndPoint? bound, string address, uint port);

    [LoggerMessage(EventId = 5951, Level = LogLevel.Information, Message = "Cancel forwarding of {Address}:{Port}: {Result}")]
    public static partial void RemoteForwardCancelled(this ILogger logger, string address, uint port, string result);

    [LoggerMessage(EventId = 5952, Level = LogLevel.Information, Message = "Forwarding Unix socket {Path} to the SSH client")]
    public static partial void RemoteUnixForwardStarted(this ILogger logger, string path);

    [LoggerMessage(EventId = 5953, Level = LogLevel.Information, Message = "Cancel forwarding of Unix socket {Path}: {Result}")]
    public static partial void RemoteUnixForwardCancelled(this ILogger logger, string path, string result);

    [LoggerMessage(EventId = 5954, Level = LogLevel.Information, Message = "{Message}")]
    public static partial void RemoteForwardFailed(this ILogger logger, string message);

    [LoggerMessage(EventId = 5955, Level = LogLevel.Debug, Message = "Closing forwarding channel {Channel}: {Reason}")]
    public static partial void RelayClosing(this ILogger logger, uint channel, string reason);

    [LoggerMessage(EventId = 5956, Level = LogLevel.Debug, Message = "Forwarding channel {Channel} ended: {Reason}")]
    public static partial void RelayEnded(this ILogger logger, uint channel, string reason);

    [LoggerMessage(EventId = 5957, Level = LogLevel.Information, Message = "X11 forwarding declined: the cookie is not hexadecimal")]
    public static partial void X11BadCookie(this ILogger logger);

    [LoggerMessage(EventId = 5958, Level = LogLevel.Information, Message = "X11 forwarding declined: already set up for this session")]
    public static partial void X11Repeated(this ILogger logger);

    [LoggerMessage(EventId = 5959, Level = LogLevel.Warning, Message = "X11 forwarding failed: {Reason}")]
    public static partial void X11Failed(this ILogger logger, string reason);

    [LoggerMessage(EventId = 5960, Level = LogLevel.Information, Message = "X11 forwarding for session {Channel} on display {Display}")]
    public static partial void X11Started(this ILogger logger, uint channel, string display);
}
