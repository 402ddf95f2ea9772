using Microsoft.Extensions.Logging;

namespace Agent.Runtime.ControlPlaneClient;

/// <summary>What the agent's REST client reports about its requests (event ids 6280–6299).</summary>
internal static partial class ControlPlaneClientLog
{
    [LoggerMessage(EventId = 6280, Level = LogLevel.Debug, Message = "{Request} answered {Status}")]
    public static partial void RequestAnswered(this ILogger logger, string request, int status);

    [LoggerMessage(EventId = 6281, Level = LogLevel.Debug, Message = "{Request} refused: {Message}")]
    public static partial void RequestRefused(this ILogger logger, string request, string message);
}
