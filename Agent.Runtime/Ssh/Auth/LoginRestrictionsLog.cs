using System.Net;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Ssh.Auth;

/// <summary>Log events of what a login's restrictions refuse or replace (event ids 5430-5439).</summary>
internal static partial class LoginRestrictionsLog
{
    [LoggerMessage(EventId = 5430, Level = LogLevel.Warning, Message = "SSH connection {Connection} from {Remote}: {Request} refused by the login's restrictions ({Restriction})")]
    public static partial void RefusedByRestrictions(this ILogger logger, long connection, EndPoint? remote, string request, string restriction);

    [LoggerMessage(EventId = 5431, Level = LogLevel.Information, Message = "SSH connection {Connection} from {Remote}: the forced command runs instead of {Requested}")]
    public static partial void ForcedCommandRuns(this ILogger logger, long connection, EndPoint? remote, string requested);
}
