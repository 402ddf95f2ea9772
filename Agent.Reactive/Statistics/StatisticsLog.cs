using Microsoft.Extensions.Logging;

namespace Agent.Reactive.Statistics;

/// <summary>Log events of stats reporting (event ids 5760–5769).</summary>
internal static partial class StatisticsLog
{
    [LoggerMessage(EventId = 5760, Level = LogLevel.Warning, Message = "the control plane sent report interval {Interval}; stats reporting pauses")]
    public static partial void Paused(this ILogger logger, TimeSpan interval);

    [LoggerMessage(EventId = 5761, Level = LogLevel.Debug, Message = "reporting stats every {Interval}")]
    public static partial void Reporting(this ILogger logger, TimeSpan interval);

    [LoggerMessage(EventId = 5762, Level = LogLevel.Warning, Message = "failed to report stats; retrying in {Delay}")]
    public static partial void Retrying(this ILogger logger, Exception error, TimeSpan delay);
}
