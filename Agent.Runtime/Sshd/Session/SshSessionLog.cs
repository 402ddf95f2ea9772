using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Sshd.Session;

/// <summary>Log events of SSH session requests (event ids 5500-5509).</summary>
internal static partial class SshSessionLog
{
    [LoggerMessage(EventId = 5500, Level = LogLevel.Warning, Message = "pty-req on channel {Channel} refused: malformed terminal modes ({Reason})")]
    public static partial void MalformedTerminalModes(this ILogger logger, uint channel, string reason);

    [LoggerMessage(EventId = 5501, Level = LogLevel.Information, Message = "pty-req on channel {Channel}: terminal modes end at undefined opcode {Opcode} (RFC 4254: opcodes 160 to 255 stop the parsing)")]
    public static partial void TerminalModesStopped(this ILogger logger, uint channel, byte opcode);
}
