using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Ssh.Keys;

/// <summary>Log events of the host keys (event ids 5300-5309), once at startup.</summary>
internal static partial class HostKeyLog
{
    [LoggerMessage(EventId = 5300, Level = LogLevel.Information, Message = "SSH host key {KeyType} {Fingerprint} ({Path})")]
    public static partial void HostKeyLoaded(this ILogger logger, string keyType, string fingerprint, string path);

    [LoggerMessage(EventId = 5301, Level = LogLevel.Information, Message = "SSH host key {KeyType} {Fingerprint} created in {Path}")]
    public static partial void HostKeyCreated(this ILogger logger, string keyType, string fingerprint, string path);

    [LoggerMessage(EventId = 5302, Level = LogLevel.Debug, Message = "Wrote the public host key {Path}")]
    public static partial void PublicKeyWritten(this ILogger logger, string path);

    [LoggerMessage(EventId = 5303, Level = LogLevel.Warning, Message = "SSH host key file {Path} is not served: it {Reason}")]
    public static partial void HostKeySkipped(this ILogger logger, string path, string reason);
}
