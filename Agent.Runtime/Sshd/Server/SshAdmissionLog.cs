using System.Net;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Sshd.Server;

/// <summary>Log events of SSH admission (event ids 2000-2009).</summary>
internal static partial class SshAdmissionLog
{
    [LoggerMessage(EventId = 2000, Level = LogLevel.Warning, Message = "SSH connection from {Remote} refused: {Reason} ({Unauthenticated} unauthenticated, {Authenticated} authenticated connections; {Suppressed} more refused since the last report)")]
    public static partial void ConnectionRefused(this ILogger logger, EndPoint? remote, SshAdmissionRefusal reason, int unauthenticated, int authenticated, int suppressed);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "SSH connection from {Remote} closed after authenticating: {Max} authenticated connections already")]
    public static partial void AuthenticatedFull(this ILogger logger, EndPoint? remote, int max);
}
