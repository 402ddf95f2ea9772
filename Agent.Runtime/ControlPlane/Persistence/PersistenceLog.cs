using Microsoft.Extensions.Logging;

namespace Agent.Runtime.ControlPlane.Persistence;

/// <summary>What the control plane reports about its database (event ids 6500–6519).</summary>
internal static partial class PersistenceLog
{
    [LoggerMessage(EventId = 6500, Level = LogLevel.Information, Message = "Control-plane database {Database} opened at schema version {Version}")]
    public static partial void DatabaseOpened(this ILogger logger, string database, int version);

    [LoggerMessage(EventId = 6501, Level = LogLevel.Information, Message = "Control-plane database {Database}: migrated to schema version {Version}")]
    public static partial void DatabaseMigrated(this ILogger logger, string database, int version);

    [LoggerMessage(EventId = 6502, Level = LogLevel.Error, Message = "Control-plane database {Database} refused: {Reason}")]
    public static partial void DatabaseRefused(this ILogger logger, string database, string reason);

    [LoggerMessage(EventId = 6503, Level = LogLevel.Information, Message = "Control-plane database {Database}: workspace loaded, {Agents} agents, {Deleted} marked deleted")]
    public static partial void WorkspaceSynced(this ILogger logger, string database, int agents, int deleted);
}
