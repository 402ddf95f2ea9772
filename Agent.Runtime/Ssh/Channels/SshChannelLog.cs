using System.Net;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Ssh.Channels;

/// <summary>Log events of the connection protocol's limits (event ids 2100–2119).</summary>
internal static partial class SshChannelLog
{
    [LoggerMessage(EventId = 2100, Level = LogLevel.Warning, Message = "SSH connection {Connection} from {Remote}: refusing a session channel: {Max} sessions are open (MaxSessions)")]
    public static partial void SessionRefused(this ILogger logger, long connection, EndPoint? remote, int max);

    [LoggerMessage(EventId = 2101, Level = LogLevel.Warning, Message = "SSH connection {Connection} from {Remote}: refusing a {Type} channel: {Max} forwarding channels are open")]
    public static partial void ChannelRefused(this ILogger logger, long connection, EndPoint? remote, string type, int max);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Warning, Message = "SSH connection {Connection} from {Remote}: not opening a {Type} channel towards the client: {Max} forwarding channels are open")]
    public static partial void OutgoingChannelRefused(this ILogger logger, long connection, EndPoint? remote, string type, int max);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Debug, Message = "SSH connection {Connection}: channel {Channel} window grows to {Window} bytes")]
    public static partial void WindowGrown(this ILogger logger, long connection, uint channel, long window);
}
