using Agent.Reactive.Protocol;
using Microsoft.Extensions.Logging;

namespace Agent.Reactive.Lifecycle;

/// <summary>Log events of the lifecycle state and its reports (event ids 5720–5729).</summary>
internal static partial class LifecycleLog
{
    [LoggerMessage(EventId = 5720, Level = LogLevel.Warning, Message = "Refused lifecycle move from {From} to {To}: the agent is closed")]
    public static partial void MoveRefusedClosed(this ILogger logger, LifecycleState from, LifecycleState to);

    [LoggerMessage(EventId = 5721, Level = LogLevel.Warning, Message = "refused lifecycle move from {From} to {To}")]
    public static partial void MoveRefusedBackwards(this ILogger logger, LifecycleState from, LifecycleState to);

    [LoggerMessage(EventId = 5722, Level = LogLevel.Warning, Message = "Reporting lifecycle {State} failed: {Reason}; a newer state replaces it")]
    public static partial void ReportReplaced(this ILogger logger, LifecycleState state, string reason);

    [LoggerMessage(EventId = 5723, Level = LogLevel.Warning, Message = "Reporting lifecycle {State} failed: {Reason}; retrying in {Delay}")]
    public static partial void ReportRetrying(this ILogger logger, LifecycleState state, string reason, TimeSpan delay);
}
