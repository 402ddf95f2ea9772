using Microsoft.Extensions.Logging;

namespace Agent.Reactive.Connection;

/// <summary>Log events of the rotation through several control planes (event ids 6540–6549).</summary>
internal static partial class EndpointRotationLog
{
    [LoggerMessage(EventId = 6540, Level = LogLevel.Information, Message = "Trying the next control plane: {To} (number {Number} of {Count}; the last attempt went to {From})")]
    public static partial void ControlPlaneSwitched(this ILogger logger, string from, string to, int number, int count);
}
