using Microsoft.Extensions.Logging;

namespace Agent.Reactive.Metadata;

/// <summary>Log events of metadata collection (event ids 5740–5749).</summary>
internal static partial class MetadataLog
{
    [LoggerMessage(EventId = 5740, Level = LogLevel.Error, Message = "metadata limit exceeded: the manifest has {Count} metadata items, at most {Max} are allowed; none is collected")]
    public static partial void TooManyItems(this ILogger logger, int count, int max);

    [LoggerMessage(EventId = 5741, Level = LogLevel.Debug, Message = "metadata collection backpressured: {QueueLength} results wait to be posted")]
    public static partial void Backpressured(this ILogger logger, int queueLength);

    [LoggerMessage(EventId = 5742, Level = LogLevel.Error, Message = "failed to report metadata {Key}; the result is dropped")]
    public static partial void PostFailed(this ILogger logger, Exception error, string key);
}
