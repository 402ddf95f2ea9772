using Agent.Reactive.Protocol;
using Microsoft.Extensions.Logging;

namespace Agent.Reactive;

/// <summary>Log events of the <see cref="WorkspaceAgent"/> composition (event ids 5700–5709).</summary>
internal static partial class AgentLog
{
    [LoggerMessage(EventId = 5700, Level = LogLevel.Information, Message = "Startup finished in state {State}")]
    public static partial void StartupFinished(this ILogger logger, LifecycleState state);

    [LoggerMessage(EventId = 5701, Level = LogLevel.Warning, Message = "The control plane did not acknowledge the final state {State} within {Wait}")]
    public static partial void FinalStateUnacknowledged(this ILogger logger, LifecycleState state, TimeSpan wait);

    [LoggerMessage(EventId = 5702, Level = LogLevel.Warning, Message = "Could not override the VS Code Git authentication settings")]
    public static partial void GitAuthOverrideFailed(this ILogger logger, Exception error);

    [LoggerMessage(EventId = 5703, Level = LogLevel.Error, Message = "The {Routine} routine stopped")]
    public static partial void RoutineStopped(this ILogger logger, Exception error, string routine);
}
