using System.Net;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Hosting;

/// <summary>
/// Log messages of the agent's composition: its own files (event ids 3020–3039) and what it starts and where it
/// listens (event ids 6340–6359).
/// </summary>
internal static partial class HostingLog
{
    [LoggerMessage(EventId = 3020, Level = LogLevel.Warning, Message = "Cannot write the log file {Path}: {Reason}; logging to stderr only")]
    public static partial void AgentLogSkipped(this ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 3021, Level = LogLevel.Warning, Message = "Replaced {Path}: it was {Found}, not a private file of this user")]
    public static partial void ReplacedUnsafeLogFile(this ILogger logger, string path, string found);

    [LoggerMessage(EventId = 6340, Level = LogLevel.Warning, Message = "{Problem}")]
    public static partial void LauncherProblem(this ILogger logger, string problem);

    [LoggerMessage(EventId = 6341, Level = LogLevel.Information, Message = "HTTP API: http://{Endpoint}/")]
    public static partial void HttpApiListening(this ILogger logger, IPEndPoint endpoint);

    /// <summary>The <c>ssh</c> command that reaches the direct listener on <paramref name="endpoint"/>.</summary>
    public static void SshListening(this ILogger logger, IPEndPoint endpoint)
    {
        if (!logger.IsEnabled(LogLevel.Information))
            return;
        var host = endpoint.Address.Equals(IPAddress.IPv6Any) || endpoint.Address.Equals(IPAddress.Any) ? "localhost" : endpoint.Address.ToString();
        logger.SshListening(endpoint.Port, Environment.UserName, host);
    }

    [LoggerMessage(EventId = 6343, Level = LogLevel.Debug, Message = "Start-up finished: managed heap {Before} bytes, {After} after returning the start-up garbage")]
    public static partial void StartupMemoryReturned(this ILogger logger, long before, long after);

    [LoggerMessage(EventId = 6342, Level = LogLevel.Information, Message = "SSH: ssh -p {Port} {User}@{Host}")]
    private static partial void SshListening(this ILogger logger, int port, string user, string host);
}
