using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Os.Processes;

/// <summary>Log events of the processes the agent runs with pipes (event ids 6120–6139).</summary>
internal static partial class ProcessLog
{
    [LoggerMessage(EventId = 6120, Level = LogLevel.Debug, Message = "Started {Shell} as process {Pid} with pipes")]
    public static partial void PipedProcessStarted(this ILogger logger, string shell, int pid);

    [LoggerMessage(EventId = 6121, Level = LogLevel.Debug, Message = "Session over: sending SIGHUP to process group {Pid}")]
    public static partial void SessionProcessHangingUp(this ILogger logger, int pid);

    [LoggerMessage(EventId = 6122, Level = LogLevel.Debug, Message = "Process group {Pid} outlived SIGHUP; sent SIGKILL")]
    public static partial void SessionProcessKilled(this ILogger logger, int pid);

    [LoggerMessage(EventId = 6123, Level = LogLevel.Debug, Message = "Process {Pid} exited but its output is still open (a background job?); not waiting for it")]
    public static partial void OutputStillOpen(this ILogger logger, int pid);

    [LoggerMessage(EventId = 6124, Level = LogLevel.Debug, Message = "Cancelled: sending SIGTERM to process group {Pid}")]
    public static partial void ScriptCancelled(this ILogger logger, int pid);

    [LoggerMessage(EventId = 6125, Level = LogLevel.Debug, Message = "Process group {Pid} outlived SIGTERM by {Grace}; sending SIGKILL")]
    public static partial void ScriptGroupKilled(this ILogger logger, int pid, TimeSpan grace);

    [LoggerMessage(EventId = 6126, Level = LogLevel.Warning, Message = "Reading process output failed ({Reason}); treating it as end of output")]
    public static partial void OutputReadFailed(this ILogger logger, string reason);

    [LoggerMessage(EventId = 6127, Level = LogLevel.Error, Message = "Reading process output failed; the rest of the output is discarded")]
    public static partial void OutputPumpFailed(this ILogger logger, Exception exception);

    [LoggerMessage(EventId = 6128, Level = LogLevel.Warning, Message = "Writing the output file {Path} failed; it stays incomplete")]
    public static partial void OutputFileFailed(this ILogger logger, Exception exception, string path);

    [LoggerMessage(EventId = 6129, Level = LogLevel.Error, Message = "Process output handling failed; the rest goes to the output file only")]
    public static partial void OutputSinkFailed(this ILogger logger, Exception exception);

    [LoggerMessage(EventId = 6130, Level = LogLevel.Error, Message = "Finishing the process output failed")]
    public static partial void OutputSinkFinishFailed(this ILogger logger, Exception exception);

    [LoggerMessage(EventId = 6131, Level = LogLevel.Warning, Message = "{Count} output lines were dropped because the consumer fell behind")]
    public static partial void OutputLinesDropped(this ILogger logger, long count);

    [LoggerMessage(EventId = 6132, Level = LogLevel.Error, Message = "The output observer threw; further lines are discarded")]
    public static partial void OutputObserverFailed(this ILogger logger, Exception exception);
}
