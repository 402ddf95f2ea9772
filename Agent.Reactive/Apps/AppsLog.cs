using Microsoft.Extensions.Logging;

namespace Agent.Reactive.Apps;

/// <summary>Log events of app health (event ids 5750–5759).</summary>
internal static partial class AppsLog
{
    [LoggerMessage(EventId = 5750, Level = LogLevel.Debug, Message = "health check of app {Slug} failed")]
    public static partial void ProbeFailed(this ILogger logger, Exception error, string slug);

    [LoggerMessage(EventId = 5751, Level = LogLevel.Error, Message = "failed to report app health")]
    public static partial void PostFailed(this ILogger logger, Exception error);
}
