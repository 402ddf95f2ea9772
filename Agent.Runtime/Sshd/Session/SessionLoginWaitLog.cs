using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Sshd.Session;

/// <summary>Log events of sessions held back by blocking startup scripts (event ids 6708–6709).</summary>
internal static partial class SessionLoginWaitLog
{
    [LoggerMessage(EventId = 6708, Level = LogLevel.Information, Message = "An SSH session's {Request} waits for the startup scripts that block logins")]
    public static partial void SessionWaitsForScripts(this ILogger logger, string request);
}
