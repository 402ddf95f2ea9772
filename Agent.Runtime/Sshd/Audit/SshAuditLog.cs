using System.Net;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Sshd.Audit;

/// <summary>Log events of the SSH server's blocks (event ids 6745–6749).</summary>
internal static partial class SshAuditLog
{
    [LoggerMessage(EventId = 6745, Level = LogLevel.Warning, Message = "Refused a file transfer ({What}) of {User} from {Remote}: --block-file-transfer")]
    public static partial void FileTransferRefused(this ILogger logger, string what, string user, EndPoint? remote);

    [LoggerMessage(EventId = 6746, Level = LogLevel.Warning, Message = "Refused {Request} ({Target}) of {User} from {Remote}: port forwarding is blocked")]
    public static partial void ForwardingRefused(this ILogger logger, string request, string target, string user, EndPoint? remote);
}
