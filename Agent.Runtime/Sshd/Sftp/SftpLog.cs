using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Sshd.Sftp;

/// <summary>Log events of the SFTP server's limits (event ids 2120–2129).</summary>
internal static partial class SftpLog
{
    [LoggerMessage(EventId = 2120, Level = LogLevel.Warning, Message = "SFTP (SSH connection {Connection}): refusing an open: the session holds its {Limit} handles")]
    public static partial void SessionHandlesExhausted(this ILogger logger, long? connection, int limit);

    [LoggerMessage(EventId = 2121, Level = LogLevel.Warning, Message = "SFTP (SSH connection {Connection}): refusing an open: the connection's SFTP sessions hold its {Limit} handles")]
    public static partial void ConnectionHandlesExhausted(this ILogger logger, long? connection, int limit);
}
