using System.Net;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Ssh.Transport;

/// <summary>Log events of the transport's identification exchange and guessed key exchange packets (event ids 5200–5209).</summary>
internal static partial class SshTransportLog
{
    [LoggerMessage(EventId = 5200, Level = LogLevel.Warning, Message = "SSH connection {Remote}: refused: {Reason}; answered \"{Reply}\"")]
    public static partial void IdentificationRefused(this ILogger logger, EndPoint? remote, string reason, string reply);

    [LoggerMessage(EventId = 5201, Level = LogLevel.Debug, Message = "SSH connection {Remote}: ignored the client's wrongly guessed key exchange packet (message {Message})")]
    public static partial void GuessedPacketIgnored(this ILogger logger, EndPoint? remote, byte message);
}
