using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Hosting.Effects;

/// <summary>What the file effects report about the editors' settings files (event ids 6360–6379).</summary>
internal static partial class WorkspaceFilesLog
{
    [LoggerMessage(EventId = 6360, Level = LogLevel.Warning, Message = "Could not update the VS Code settings in {Path}")]
    public static partial void SettingsNotUpdated(this ILogger logger, Exception exception, string path);

    [LoggerMessage(EventId = 6361, Level = LogLevel.Warning, Message = "{Path} is larger than {Limit} bytes; leaving it alone")]
    public static partial void SettingsTooLarge(this ILogger logger, string path, long limit);

    [LoggerMessage(EventId = 6362, Level = LogLevel.Warning, Message = "{Path} is not a plain JSON object; leaving it alone")]
    public static partial void SettingsNotAnObject(this ILogger logger, string path);

    [LoggerMessage(EventId = 6363, Level = LogLevel.Information, Message = "Turned off VS Code's Git authentication in {Path}")]
    public static partial void GitAuthenticationTurnedOff(this ILogger logger, string path);

    [LoggerMessage(EventId = 6364, Level = LogLevel.Debug, Message = "Wrote {Bytes} bytes to {Path}")]
    public static partial void SettingsWritten(this ILogger logger, long bytes, string path);
}
