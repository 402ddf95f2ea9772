using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Commands;

/// <summary>What <c>agent server</c> does to its process limits as it starts (event ids 6630–6639).</summary>
internal static partial class ServerLimitsLog
{
    [LoggerMessage(EventId = 6630, Level = LogLevel.Information, Message = "Raised the limit on open descriptors from {Before} to the hard limit {After} (two per connected agent)")]
    public static partial void DescriptorLimitRaised(this ILogger logger, ulong before, ulong after);

    [LoggerMessage(EventId = 6631, Level = LogLevel.Warning, Message = "The limit on open descriptors stays at {Current} ({Reason}); each connected agent takes two")]
    public static partial void DescriptorLimitNotRaised(this ILogger logger, ulong current, string reason);
}
