using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Speedtest;

/// <summary>What the agent's speed test server reports per test (event ids 6400–6439).</summary>
internal static partial class SpeedtestLog
{
    [LoggerMessage(EventId = 6400, Level = LogLevel.Debug, Message = "Speed test stopped: the agent is shutting down")]
    public static partial void SpeedtestStoppedByShutdown(this ILogger logger);

    /// <summary>The test ran past its deadline; the seconds are formatted only when the line is written.</summary>
    public static void SpeedtestDeadlinePassed(this ILogger logger, TimeSpan deadline)
    {
        if (logger.IsEnabled(LogLevel.Warning))
            logger.SpeedtestDeadlinePassed(deadline.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture));
    }

    [LoggerMessage(EventId = 6402, Level = LogLevel.Warning, Message = "Speed test ended: {Reason}")]
    public static partial void SpeedtestEnded(this ILogger logger, string reason);

    [LoggerMessage(EventId = 6403, Level = LogLevel.Warning, Message = "Speed test ended: {Reason}")]
    public static partial void SpeedtestEndedUnexpectedly(this ILogger logger, Exception exception, string reason);

    /// <summary>A finished test in <paramref name="direction"/>; seconds and rate are formatted only when the line is written.</summary>
    public static void SpeedtestDone(this ILogger logger, SpeedtestDirection direction, SpeedtestInterval total)
    {
        if (logger.IsEnabled(LogLevel.Information))
        {
            logger.SpeedtestDone(
                direction == SpeedtestDirection.Upload ? "sent" : "received",
                total.Bytes,
                total.Length.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture),
                total.MegabitsPerSecond.ToString("0.0", CultureInfo.InvariantCulture));
        }
    }

    [LoggerMessage(EventId = 6405, Level = LogLevel.Warning, Message = "Speed test refused: {Reason}")]
    public static partial void SpeedtestRefused(this ILogger logger, string reason);

    [LoggerMessage(EventId = 6401, Level = LogLevel.Warning, Message = "Speed test ended: not done within {Deadline} s")]
    private static partial void SpeedtestDeadlinePassed(this ILogger logger, string deadline);

    [LoggerMessage(EventId = 6404, Level = LogLevel.Information, Message = "Speed test done: {Verb} {Bytes} bytes in {Seconds} s ({Rate} Mbit/s)")]
    private static partial void SpeedtestDone(this ILogger logger, string verb, long bytes, string seconds, string rate);
}
