using System.Net;
using Agent.Runtime.Ssh.Wire;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Ssh.Transport;

/// <summary>Log events of the transport layer (event ids 5200–5209 and 5820–5839).</summary>
internal static partial class SshTransportLog
{
    [LoggerMessage(EventId = 5200, Level = LogLevel.Warning, Message = "SSH connection {Remote}: refused: {Reason}; answered \"{Reply}\"")]
    public static partial void IdentificationRefused(this ILogger logger, EndPoint? remote, string reason, string reply);

    [LoggerMessage(EventId = 5201, Level = LogLevel.Debug, Message = "SSH connection {Remote}: ignored the client's wrongly guessed key exchange packet (message {Message})")]
    public static partial void GuessedPacketIgnored(this ILogger logger, EndPoint? remote, byte message);

    [LoggerMessage(EventId = 5820, Level = LogLevel.Information, Message = "SSH connection {Remote}: {Client}; {Algorithms}")]
    public static partial void Connected(this ILogger logger, EndPoint? remote, string client, string? algorithms);

    [LoggerMessage(EventId = 5821, Level = LogLevel.Information, Message = "SSH connection {Remote}: disconnecting ({Reason}: {Description})")]
    public static partial void Disconnecting(this ILogger logger, EndPoint? remote, DisconnectReason reason, string description);

    [LoggerMessage(EventId = 5822, Level = LogLevel.Debug, Message = "SSH connection {Remote}: read loop ended")]
    public static partial void ReadLoopEnded(this ILogger logger, Exception exception, EndPoint? remote);

    [LoggerMessage(EventId = 5823, Level = LogLevel.Error, Message = "SSH connection {Remote}: unexpected failure")]
    public static partial void UnexpectedFailure(this ILogger logger, Exception exception, EndPoint? remote);

    [LoggerMessage(EventId = 5824, Level = LogLevel.Debug, Message = "SSH connection {Remote}: the client did not implement one of our messages")]
    public static partial void PeerUnimplemented(this ILogger logger, EndPoint? remote);

    [LoggerMessage(EventId = 5825, Level = LogLevel.Debug, Message = "SSH connection {Remote}: key exchange done ({Algorithms})")]
    public static partial void KeyExchangeDone(this ILogger logger, EndPoint? remote, string algorithms);

    [LoggerMessage(EventId = 5826, Level = LogLevel.Debug, Message = "SSH connection {Remote}: re-keying")]
    public static partial void Rekeying(this ILogger logger, EndPoint? remote);

    [LoggerMessage(EventId = 5827, Level = LogLevel.Information, Message = "SSH connection {Remote}: the client disconnected ({Reason}: {Description})")]
    public static partial void PeerDisconnected(this ILogger logger, EndPoint? remote, DisconnectReason reason, string description);

    [LoggerMessage(EventId = 5828, Level = LogLevel.Debug, Message = "SSH connection {Remote}: {Why}")]
    public static partial void PeerClosed(this ILogger logger, EndPoint? remote, string why);

    [LoggerMessage(EventId = 5829, Level = LogLevel.Warning, Message = "SSH connection {Remote} ({Client}): {Message}; disconnecting ({Reason})")]
    public static partial void ConnectionFailed(this ILogger logger, EndPoint? remote, string client, string message, DisconnectReason reason);

    [LoggerMessage(EventId = 5830, Level = LogLevel.Debug, Message = "SSH connection {Remote}: {What} was not sent: {Error}")]
    public static partial void LastWriteSkipped(this ILogger logger, EndPoint? remote, string what, string error);
}
