using Microsoft.Extensions.Logging;

namespace Agent.Runtime.ControlPlane;

/// <summary>What the control plane says about session recordings (event ids 6770–6779).</summary>
internal static partial class RecordingsLog
{
    [LoggerMessage(EventId = 6770, Level = LogLevel.Warning, Message = "A session recording of agent {Agent} was refused: {Reason}")]
    public static partial void RecordingRefused(this ILogger logger, string agent, string reason);

    [LoggerMessage(EventId = 6771, Level = LogLevel.Warning, Message = "The database could not serve a session recording {What} of agent {Agent}: {Reason}")]
    public static partial void RecordingNotKept(this ILogger logger, string agent, string what, string reason);
}
