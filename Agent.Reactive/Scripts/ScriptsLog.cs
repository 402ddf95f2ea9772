using Microsoft.Extensions.Logging;

namespace Agent.Reactive.Scripts;

/// <summary>Log events of the lifecycle scripts and their log shipping (event ids 5730–5739).</summary>
internal static partial class ScriptsLog
{
    [LoggerMessage(EventId = 5730, Level = LogLevel.Information, Message = "Running the {Source} script")]
    public static partial void ScriptRunning(this ILogger logger, string source);

    [LoggerMessage(EventId = 5731, Level = LogLevel.Information, Message = "The {Source} script finished")]
    public static partial void ScriptFinished(this ILogger logger, string source);

    [LoggerMessage(EventId = 5732, Level = LogLevel.Warning, Message = "The {Source} script exited with code {ExitCode}")]
    public static partial void ScriptFailed(this ILogger logger, string source, int exitCode);

    [LoggerMessage(EventId = 5733, Level = LogLevel.Error, Message = "The {Source} script could not run")]
    public static partial void ScriptNotRun(this ILogger logger, Exception error, string source);

    [LoggerMessage(EventId = 5734, Level = LogLevel.Warning, Message = "The {Source} script did not finish within {Timeout}; still waiting for it")]
    public static partial void ScriptTimedOut(this ILogger logger, string source, TimeSpan timeout);

    [LoggerMessage(EventId = 5735, Level = LogLevel.Warning, Message = "More than {Max} lines of the {Source} script wait for the control plane, dropping the oldest")]
    public static partial void LogsOverflowing(this ILogger logger, int max, string source);

    [LoggerMessage(EventId = 5736, Level = LogLevel.Warning, Message = "Sending {Source} script logs failed, retrying in {Delay}")]
    public static partial void LogsRetrying(this ILogger logger, Exception error, string source, TimeSpan delay);

    [LoggerMessage(EventId = 5737, Level = LogLevel.Warning, Message = "Log limit of the control plane reached, dropped {Count} lines of the {Source} script")]
    public static partial void LogsRefused(this ILogger logger, int count, string source);
}
