using Microsoft.Extensions.Logging;

namespace Agent.Reactive.Scripts;

/// <summary>Log events of the lifecycle scripts and their log shipping (event ids 5730–5739; many scripts, schedules and the login gate 6700–6719).</summary>
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

    [LoggerMessage(EventId = 6700, Level = LogLevel.Warning, Message = "The control plane has no PATCH me/logs (404): script logs go to me/startup-logs for this connection")]
    public static partial void LogsEndpointMissing(this ILogger logger);

    [LoggerMessage(EventId = 6701, Level = LogLevel.Error, Message = "The {Source} script's schedule \"{Cron}\" is invalid, it will not run on a schedule: {Error}")]
    public static partial void ScheduleInvalid(this ILogger logger, string source, string cron, string error);

    [LoggerMessage(EventId = 6702, Level = LogLevel.Warning, Message = "The {Source} script is still running at its scheduled time {Tick}: this run is skipped")]
    public static partial void ScheduledRunSkipped(this ILogger logger, string source, DateTimeOffset tick);

    [LoggerMessage(EventId = 6703, Level = LogLevel.Warning, Message = "The {Source} script's schedule \"{Cron}\" has no time within five years: it will not run on a schedule")]
    public static partial void ScheduleNeverRuns(this ILogger logger, string source, string cron);

    [LoggerMessage(EventId = 6704, Level = LogLevel.Information, Message = "Running the {Source} script on its schedule ({Tick})")]
    public static partial void ScheduledRunStarting(this ILogger logger, string source, DateTimeOffset tick);

    [LoggerMessage(EventId = 6705, Level = LogLevel.Warning, Message = "The scheduled run of the {Source} script did not finish within {Timeout}: stopped")]
    public static partial void ScheduledRunStopped(this ILogger logger, string source, TimeSpan timeout);

    [LoggerMessage(EventId = 6706, Level = LogLevel.Information, Message = "{Count} startup scripts block logins until they finish")]
    public static partial void LoginGateClosed(this ILogger logger, int count);

    [LoggerMessage(EventId = 6707, Level = LogLevel.Information, Message = "Logins open: {Reason}")]
    public static partial void LoginGateOpened(this ILogger logger, string reason);
}
