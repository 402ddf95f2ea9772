using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Os.Pty;

/// <summary>Log events of processes on pseudo-terminals (event ids 6100–6119).</summary>
internal static partial class PtyLog
{
    [LoggerMessage(EventId = 6100, Level = LogLevel.Debug, Message = "Started {Shell} as process {Pid} on {Terminal} ({Columns}x{Rows})")]
    public static partial void TerminalStarted(this ILogger logger, string shell, int pid, string terminal, ushort columns, ushort rows);

    [LoggerMessage(EventId = 6101, Level = LogLevel.Debug, Message = "Process {Pid} on {Terminal} ended: {Exit}")]
    public static partial void TerminalProcessEnded(this ILogger logger, int pid, string terminal, string exit);

    [LoggerMessage(EventId = 6102, Level = LogLevel.Debug, Message = "Disposing terminal {Terminal}: SIGHUP to process group {Pid}")]
    public static partial void TerminalHangingUp(this ILogger logger, string terminal, int pid);

    [LoggerMessage(EventId = 6103, Level = LogLevel.Debug, Message = "Process group {Pid} outlived SIGHUP by {Grace}; sending SIGKILL")]
    public static partial void TerminalGroupKilled(this ILogger logger, int pid, TimeSpan grace);

    [LoggerMessage(EventId = 6104, Level = LogLevel.Error, Message = "Killing process group {Pid} failed")]
    public static partial void TerminalGroupKillFailed(this ILogger logger, Exception exception, int pid);

    [LoggerMessage(EventId = 6105, Level = LogLevel.Warning, Message = "Reading {Terminal} failed")]
    public static partial void TerminalReadFailed(this ILogger logger, Exception exception, string terminal);

    [LoggerMessage(EventId = 6106, Level = LogLevel.Error, Message = "An observer of {Terminal} failed")]
    public static partial void TerminalObserverFailed(this ILogger logger, Exception exception, string terminal);
}
