using System.Net;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Ssh.Channels;

/// <summary>Log events of the connection protocol (event ids 2100–2119 for its limits, 5850–5869).</summary>
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

    [LoggerMessage(EventId = 5850, Level = LogLevel.Warning, Message = "SSH connection {Connection}: global request {Name} failed")]
    public static partial void GlobalRequestFailed(this ILogger logger, Exception exception, long connection, string name);

    [LoggerMessage(EventId = 5851, Level = LogLevel.Debug, Message = "SSH connection {Connection}: declining global request {Name}")]
    public static partial void GlobalRequestDeclined(this ILogger logger, long connection, string name);

    [LoggerMessage(EventId = 5852, Level = LogLevel.Debug, Message = "SSH connection {Connection}: refusing a channel of unknown type {Type}")]
    public static partial void UnknownChannelType(this ILogger logger, long connection, string type);

    [LoggerMessage(EventId = 5853, Level = LogLevel.Debug, Message = "SSH connection {Connection}: refusing a {Type} channel: the connection is ending")]
    public static partial void ChannelRefusedWhileEnding(this ILogger logger, long connection, string type);

    [LoggerMessage(EventId = 5854, Level = LogLevel.Warning, Message = "SSH connection {Connection}: opening a {Type} channel failed")]
    public static partial void ChannelOpenFailed(this ILogger logger, Exception exception, long connection, string type);

    [LoggerMessage(EventId = 5855, Level = LogLevel.Debug, Message = "SSH connection {Connection}: the connection ended while a {Type} channel was being opened")]
    public static partial void ConnectionEndedDuringOpen(this ILogger logger, long connection, string type);

    [LoggerMessage(EventId = 5856, Level = LogLevel.Warning, Message = "SSH connection {Connection}: channel request {Type} on channel {Channel} failed")]
    public static partial void ChannelRequestFailed(this ILogger logger, Exception exception, long connection, string type, uint channel);

    [LoggerMessage(EventId = 5857, Level = LogLevel.Warning, Message = "SSH connection {Connection}: ending channel {Channel} failed")]
    public static partial void ChannelEndFailed(this ILogger logger, Exception exception, long connection, uint channel);
}
