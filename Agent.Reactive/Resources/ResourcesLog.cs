using Agent.Reactive.Protocol;
using Microsoft.Extensions.Logging;

namespace Agent.Reactive.Resources;

/// <summary>Log events of the resource monitor (event ids 6728–6732).</summary>
internal static partial class ResourcesLog
{
    [LoggerMessage(EventId = 6728, Level = LogLevel.Warning, Message = "Resource {Resource} is now {State}: {Percent}% used (threshold {Threshold}%)")]
    public static partial void ResourceStateChanged(this ILogger logger, string resource, ResourceState state, double percent, int threshold);

    [LoggerMessage(EventId = 6729, Level = LogLevel.Warning, Message = "Cannot read the usage of {Resource}: {Reason}; it keeps its last state")]
    public static partial void ResourceUnreadable(this ILogger logger, string resource, string reason);

    [LoggerMessage(EventId = 6730, Level = LogLevel.Information, Message = "The control plane does not take resource reports (404); they stop for this connection")]
    public static partial void ResourcesUnsupported(this ILogger logger);

    [LoggerMessage(EventId = 6731, Level = LogLevel.Warning, Message = "Reporting resource usage failed ({Reason}); the next report carries the current state")]
    public static partial void ResourcesReportFailed(this ILogger logger, string reason);

    [LoggerMessage(EventId = 6732, Level = LogLevel.Information, Message = "Watching {Count} resources every {Interval}")]
    public static partial void ResourcesWatching(this ILogger logger, int count, TimeSpan interval);
}
