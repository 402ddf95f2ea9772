using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Os.Processes;

/// <summary>Log messages of the files and environment of the agent's children (event ids 3000–3019).</summary>
internal static partial class ChildProcessLog
{
    [LoggerMessage(EventId = 3000, Level = LogLevel.Warning, Message = "Replaced {Path}: it was {Found}, not a private file of this user")]
    public static partial void ReplacedUnsafeFile(this ILogger logger, string path, string found);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "Cannot write the script log {Path}: {Reason}; the output is streamed to the control plane only")]
    public static partial void ScriptLogSkipped(this ILogger logger, string path, string reason);
}
