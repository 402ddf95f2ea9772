using Agent.Reactive.Protocol;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Commands;

/// <summary>What the commands report about their own run: start, signals, shutdown (event ids 6200–6239).</summary>
internal static partial class CommandLog
{
    [LoggerMessage(EventId = 6200, Level = LogLevel.Information, Message = "Agent {Version} starting; control plane {Url}, logs in {LogDirectory}")]
    public static partial void AgentStarting(this ILogger logger, string version, string url, string logDirectory);

    [LoggerMessage(EventId = 6201, Level = LogLevel.Error, Message = "Cannot start the agent's services: {Reason}")]
    public static partial void ServicesNotStarted(this ILogger logger, string reason);

    [LoggerMessage(EventId = 6202, Level = LogLevel.Information, Message = "Received {Signal}: shutting down gracefully (send it again to stop at once)")]
    public static partial void ShutdownSignalled(this ILogger logger, string? signal);

    [LoggerMessage(EventId = 6203, Level = LogLevel.Information, Message = "Shut down in state {State}")]
    public static partial void ShutDown(this ILogger logger, LifecycleState state);

    [LoggerMessage(EventId = 6204, Level = LogLevel.Warning, Message = "Second signal: stopped at once in state {State}")]
    public static partial void StoppedAtOnce(this ILogger logger, LifecycleState state);

    [LoggerMessage(EventId = 6210, Level = LogLevel.Error, Message = "Cannot listen on {Address}: {Reason}")]
    public static partial void ControlPlaneCannotListen(this ILogger logger, string address, string reason);

    [LoggerMessage(EventId = 6211, Level = LogLevel.Information, Message = "Stopping the control plane")]
    public static partial void ControlPlaneStopping(this ILogger logger);

    [LoggerMessage(EventId = 6220, Level = LogLevel.Warning, Message = "SFTP session ended: {Reason}")]
    public static partial void SftpSessionEnded(this ILogger logger, string reason);
}
