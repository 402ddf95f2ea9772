using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Ssh.Auth;

/// <summary>Log events of authorized_keys options and user certificates (event ids 5400-5429).</summary>
internal static partial class UserKeyLog
{
    [LoggerMessage(EventId = 5400, Level = LogLevel.Information, Message = "{Source} line {Line}: environment= ({Names}) is applied only with --permit-user-environment (sshd's PermitUserEnvironment)")]
    public static partial void AuthorizedKeyEnvironmentIgnored(this ILogger logger, string source, int line, string names);

    [LoggerMessage(EventId = 5401, Level = LogLevel.Warning, Message = "SSH key {Fingerprint} of user {User}: {Source} line {Line} does not let it in: {Reason}")]
    public static partial void AuthorizedKeyLineRefused(this ILogger logger, string fingerprint, string user, string source, int line, string reason);

    [LoggerMessage(EventId = 5402, Level = LogLevel.Debug, Message = "SSH key {Fingerprint} of user {User} matches {Source} line {Line}; restrictions: {Restrictions}")]
    public static partial void AuthorizedKeyLineMatched(this ILogger logger, string fingerprint, string user, string source, int line, string restrictions);

    [LoggerMessage(EventId = 5403, Level = LogLevel.Warning, Message = "SSH certificate of user {User} refused: {Reason}")]
    public static partial void CertificateRefused(this ILogger logger, string user, string reason);

    [LoggerMessage(EventId = 5404, Message = "SSH certificate \"{KeyId}\" (serial {Serial}) of user {User} signed by CA {Authority} ({From}); restrictions: {Restrictions}")]
    public static partial void CertificateAccepted(this ILogger logger, LogLevel level, string keyId, ulong serial, string user, string authority, string from, string restrictions);
}
