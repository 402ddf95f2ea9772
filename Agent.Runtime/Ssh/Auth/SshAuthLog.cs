using System.Net;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Ssh.Auth;

/// <summary>Log events of SSH user authentication (event ids 2010-2019).</summary>
internal static partial class SshAuthLog
{
    [LoggerMessage(EventId = 2010, Level = LogLevel.Warning, Message = "SSH connection from {Remote} dropped: more than {Max} authentication requests")]
    public static partial void AuthenticationRequestsExceeded(this ILogger logger, EndPoint? remote, int max);
}
