using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Os.Pty;

/// <summary>Log events of the terminal modes applied to a new pseudo-terminal (event ids 5520-5529).</summary>
internal static partial class TerminalModesLog
{
    [LoggerMessage(EventId = 5520, Level = LogLevel.Debug, Message = "Applied {Count} terminal modes to {Terminal}; ignored opcodes without a Linux equivalent: [{Ignored}]")]
    public static partial void TerminalModesApplied(this ILogger logger, string terminal, int count, string ignored);

    [LoggerMessage(EventId = 5521, Level = LogLevel.Warning, Message = "The client's terminal modes were not applied to {Terminal} ({Reason}); it keeps the system's defaults")]
    public static partial void TerminalModesNotApplied(this ILogger logger, string terminal, string reason);
}
