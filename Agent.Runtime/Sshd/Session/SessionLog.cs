using System.Net;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Sshd.Session;

/// <summary>Log events of SSH sessions: what they start, decline and how they end (event ids 6140–6159).</summary>
internal static partial class SessionLog
{
    [LoggerMessage(EventId = 6140, Level = LogLevel.Information, Message = "SSH {What} for {User} from {Remote}{Pty}")]
    public static partial void SessionStarted(this ILogger logger, string what, string user, EndPoint? remote, string pty);

    [LoggerMessage(EventId = 6141, Level = LogLevel.Warning, Message = "Cannot start the SSH session's {What}")]
    public static partial void SessionStartFailed(this ILogger logger, Exception exception, string what);

    [LoggerMessage(EventId = 6142, Level = LogLevel.Information, Message = "SSH subsystem {Name} for {User} from {Remote}")]
    public static partial void SubsystemStarted(this ILogger logger, string name, string user, EndPoint? remote);

    [LoggerMessage(EventId = 6143, Level = LogLevel.Information, Message = "Declining unknown subsystem {Name}")]
    public static partial void UnknownSubsystem(this ILogger logger, string name);

    [LoggerMessage(EventId = 6144, Level = LogLevel.Debug, Message = "Declining session request {Type}")]
    public static partial void RequestDeclined(this ILogger logger, string type);

    [LoggerMessage(EventId = 6145, Level = LogLevel.Debug, Message = "Ignoring unknown signal {Name}")]
    public static partial void UnknownSignal(this ILogger logger, string name);

    [LoggerMessage(EventId = 6146, Level = LogLevel.Debug, Message = "No message of the day from {Path}: {Reason}")]
    public static partial void NoMotd(this ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 6147, Level = LogLevel.Debug, Message = "SSH {What} on channel {Channel} ended by the client")]
    public static partial void SessionEndedByClient(this ILogger logger, string what, uint channel);

    [LoggerMessage(EventId = 6148, Level = LogLevel.Debug, Message = "SSH {What} on channel {Channel} ended: {Reason}")]
    public static partial void SessionEnded(this ILogger logger, string what, uint channel, string reason);

    [LoggerMessage(EventId = 6149, Level = LogLevel.Warning, Message = "The SSH subsystem on channel {Channel} failed")]
    public static partial void SubsystemFailed(this ILogger logger, Exception exception, uint channel);

    [LoggerMessage(EventId = 6150, Level = LogLevel.Debug, Message = "The process of the session on channel {Channel} exited but its output is still open (a background job?); not waiting for it")]
    public static partial void OutputStillOpen(this ILogger logger, uint channel);

    [LoggerMessage(EventId = 6151, Level = LogLevel.Warning, Message = "The process of the session on channel {Channel} could not be waited for; closing the channel without an exit status")]
    public static partial void ProcessNotWaitedFor(this ILogger logger, uint channel, Exception exception);

    [LoggerMessage(EventId = 6152, Level = LogLevel.Information, Message = "SSH {What} on channel {Channel} exited with {How}")]
    public static partial void SessionExited(this ILogger logger, string what, uint channel, string how);

    [LoggerMessage(EventId = 6153, Level = LogLevel.Debug, Message = "SSH {What} on channel {Channel}: exit told and channel closed")]
    public static partial void SessionClosed(this ILogger logger, string what, uint channel);
}
