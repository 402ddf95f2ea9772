using System.Net;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Sshd.Server;

/// <summary>Log events of the SSH server's listeners and connections (event ids 5900–5919).</summary>
internal static partial class SshServerLog
{
    [LoggerMessage(EventId = 5900, Level = LogLevel.Information, Message = "SSH server listening on {EndPoint}")]
    public static partial void Listening(this ILogger logger, EndPoint endPoint);

    [LoggerMessage(EventId = 5901, Level = LogLevel.Warning, Message = "SSH connection from {Remote} ended: {Message}")]
    public static partial void ListenerConnectionFailed(this ILogger logger, EndPoint? remote, string message);

    [LoggerMessage(EventId = 5902, Level = LogLevel.Debug, Message = "SSH connection from {Remote} stopped with the listener")]
    public static partial void StoppedWithListener(this ILogger logger, EndPoint? remote);

    [LoggerMessage(EventId = 5903, Level = LogLevel.Information, Message = "SSH connection from {Remote} lost: {Message}")]
    public static partial void ListenerConnectionLost(this ILogger logger, EndPoint? remote, string message);

    [LoggerMessage(EventId = 5904, Level = LogLevel.Error, Message = "SSH connection handler for {Remote} failed")]
    public static partial void HandlerFailed(this ILogger logger, Exception exception, EndPoint? remote);

    [LoggerMessage(EventId = 5905, Level = LogLevel.Warning, Message = "SSH connection ended: {Reason}")]
    public static partial void StreamConnectionFailed(this ILogger logger, string reason);

    [LoggerMessage(EventId = 5906, Level = LogLevel.Information, Message = "SSH connection lost: {Reason}")]
    public static partial void StreamConnectionLost(this ILogger logger, string reason);

    [LoggerMessage(EventId = 5907, Level = LogLevel.Information, Message = "SSH connection from {Remote} ({Client}; {Algorithms})")]
    public static partial void ConnectionStarted(this ILogger logger, EndPoint? remote, string client, string? algorithms);

    [LoggerMessage(EventId = 5908, Level = LogLevel.Information, Message = "SSH connection from {Remote} closed")]
    public static partial void ConnectionEnded(this ILogger logger, EndPoint? remote);
}
