using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Sshd.Sftp;

/// <summary>Log events of the SFTP server (event ids 2120–2129 for its limits, 5920–5939).</summary>
internal static partial class SftpLog
{
    [LoggerMessage(EventId = 2120, Level = LogLevel.Warning, Message = "SFTP (SSH connection {Connection}): refusing an open: the session holds its {Limit} handles")]
    public static partial void SessionHandlesExhausted(this ILogger logger, long? connection, int limit);

    [LoggerMessage(EventId = 2121, Level = LogLevel.Warning, Message = "SFTP (SSH connection {Connection}): refusing an open: the connection's SFTP sessions hold its {Limit} handles")]
    public static partial void ConnectionHandlesExhausted(this ILogger logger, long? connection, int limit);

    [LoggerMessage(EventId = 5920, Level = LogLevel.Warning, Message = "SFTP session ended: a packet of {Length} bytes (the limit is {Limit})")]
    public static partial void PacketTooLong(this ILogger logger, long length, int limit);

    [LoggerMessage(EventId = 5921, Level = LogLevel.Warning, Message = "SFTP session ended: {Reason}")]
    public static partial void SessionFailed(this ILogger logger, string reason);

    [LoggerMessage(EventId = 5922, Level = LogLevel.Debug, Message = "SFTP session ended by the client")]
    public static partial void SessionEnded(this ILogger logger);

    [LoggerMessage(EventId = 5923, Level = LogLevel.Warning, Message = "SFTP session ended: the input ended inside a packet ({Bytes} bytes of it)")]
    public static partial void TruncatedPacket(this ILogger logger, int bytes);

    [LoggerMessage(EventId = 5924, Level = LogLevel.Debug, Message = "SFTP client version {Version}")]
    public static partial void ClientVersion(this ILogger logger, uint version);

    [LoggerMessage(EventId = 5925, Level = LogLevel.Debug, Message = "Unsupported SFTP request type {Type}")]
    public static partial void UnsupportedRequest(this ILogger logger, byte type);

    [LoggerMessage(EventId = 5926, Level = LogLevel.Debug, Message = "SFTP read of {Path} failed: {Reason}")]
    public static partial void ReadFailed(this ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 5927, Level = LogLevel.Debug, Message = "SFTP write to {Path} failed: {Reason}")]
    public static partial void WriteFailed(this ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 5928, Level = LogLevel.Debug, Message = "Unsupported SFTP extension {Request}")]
    public static partial void UnsupportedExtension(this ILogger logger, string request);

    [LoggerMessage(EventId = 5929, Level = LogLevel.Debug, Message = "Refusing SFTP {Request} in read-only mode")]
    public static partial void WriteRefused(this ILogger logger, string request);
}
