using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Sshd.Forwarding;

/// <summary>Log events of forwarding refusals for safety (event ids 2130–2149).</summary>
internal static partial class SshForwardingLog
{
    [LoggerMessage(EventId = 2130, Level = LogLevel.Warning, Message = "SSH connection {Connection}: X11 forwarding refused for session {Channel}: {Reason}")]
    public static partial void X11Refused(this ILogger logger, long connection, uint channel, string reason);

    [LoggerMessage(EventId = 2131, Level = LogLevel.Warning, Message = "SSH connection {Connection}: agent forwarding refused for session {Channel}: {Reason}")]
    public static partial void AgentForwardingRefused(this ILogger logger, long connection, uint channel, string reason);
}
