using Microsoft.Extensions.Logging;

namespace Agent.Runtime.ControlPlane;

/// <summary>Log messages of the control plane's connection budget (event ids 4010-4019).</summary>
internal static partial class ConnectionLog
{
    [LoggerMessage(
        EventId = 4010,
        Level = LogLevel.Warning,
        Message = "Refused {Refused} connection(s) (the last from {Source}, which holds {Held} unauthenticated; {Total} unauthenticated in all): too many connections that have not authenticated")]
    public static partial void Refused(ILogger logger, string source, int held, int total, int refused);
}
