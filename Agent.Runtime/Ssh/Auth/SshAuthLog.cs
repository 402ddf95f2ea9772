using System.Net;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Ssh.Auth;

/// <summary>Log events of SSH user authentication (event ids 2010-2019 and 5870-5879).</summary>
internal static partial class SshAuthLog
{
    [LoggerMessage(EventId = 2010, Level = LogLevel.Warning, Message = "SSH connection from {Remote} dropped: more than {Max} authentication requests")]
    public static partial void AuthenticationRequestsExceeded(this ILogger logger, EndPoint? remote, int max);

    [LoggerMessage(EventId = 5870, Level = LogLevel.Information, Message = "SSH user {User} from {Remote} accepted (trusted connection, method {Method})")]
    public static partial void TrustedAccepted(this ILogger logger, string user, EndPoint? remote, string method);

    [LoggerMessage(EventId = 5871, Level = LogLevel.Information, Message = "SSH user {User} from {Remote} authenticated with a {Algorithm} key")]
    public static partial void KeyAccepted(this ILogger logger, string user, EndPoint? remote, string algorithm);

    [LoggerMessage(EventId = 5872, Level = LogLevel.Warning, Message = "SSH authentication of user {User} from {Remote} failed ({Method}: {Why}); attempt {Attempt} of {Max}")]
    public static partial void AuthenticationFailed(this ILogger logger, string user, EndPoint? remote, string method, string why, int attempt, int max);
}
