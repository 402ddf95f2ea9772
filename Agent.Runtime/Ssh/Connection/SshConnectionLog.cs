using System.Net;
using Agent.Runtime.Ssh.Wire;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Ssh.Connection;

/// <summary>Log events of one connection above its transport: its end and its keepalives (event ids 5800–5819).</summary>
internal static partial class SshConnectionLog
{
    [LoggerMessage(EventId = 5800, Level = LogLevel.Debug, Message = "SSH client {Remote} left before authenticating")]
    public static partial void LeftBeforeAuthentication(this ILogger logger, EndPoint? remote);

    [LoggerMessage(EventId = 5801, Level = LogLevel.Debug, Message = "SSH client {Remote} disconnected")]
    public static partial void ClientDisconnected(this ILogger logger, EndPoint? remote);

    [LoggerMessage(EventId = 5802, Level = LogLevel.Warning, Message = "SSH connection from {Remote} ended: {Reason} ({Code})")]
    public static partial void ConnectionFailed(this ILogger logger, EndPoint? remote, string reason, DisconnectReason code);

    [LoggerMessage(EventId = 5803, Level = LogLevel.Information, Message = "SSH connection from {Remote} closed: {Why}")]
    public static partial void ConnectionClosed(this ILogger logger, EndPoint? remote, string why);

    [LoggerMessage(EventId = 5804, Level = LogLevel.Debug, Message = "SSH connection from {Remote} lost: {Reason}")]
    public static partial void ConnectionLost(this ILogger logger, EndPoint? remote, string reason);

    [LoggerMessage(EventId = 5805, Level = LogLevel.Warning, Message = "SSH connection from {Remote}: no answer to {Count} keepalives, disconnecting")]
    public static partial void KeepAliveTimedOut(this ILogger logger, EndPoint? remote, int count);
}
