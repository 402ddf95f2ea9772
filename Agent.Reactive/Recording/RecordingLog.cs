using Microsoft.Extensions.Logging;

namespace Agent.Reactive.Recording;

/// <summary>Log events of session recording on the agent (event ids 6760–6769).</summary>
internal static partial class RecordingLog
{
    [LoggerMessage(EventId = 6760, Level = LogLevel.Information, Message = "Recording {Id} of a {Kind} session ({Who}) started (session_recording {Mode})")]
    public static partial void RecordingStarted(this ILogger logger, string id, string kind, string who, RecordingMode mode);

    [LoggerMessage(EventId = 6761, Level = LogLevel.Information, Message = "Recording {Id} ended: {Bytes} bytes kept, {Dropped} dropped")]
    public static partial void RecordingEnded(this ILogger logger, string id, long bytes, long dropped);

    [LoggerMessage(EventId = 6762, Level = LogLevel.Warning, Message = "Recording {Id} cannot go on: {Reason} (session_recording {Mode})")]
    public static partial void RecordingFailed(this ILogger logger, string? id, string reason, RecordingMode mode);

    [LoggerMessage(EventId = 6763, Level = LogLevel.Warning, Message = "Recording {Id}: the control plane is slow and more than {Bytes} bytes wait; dropping output (the gap is marked in the cast)")]
    public static partial void RecordingDropping(this ILogger logger, string? id, long bytes);

    [LoggerMessage(EventId = 6764, Level = LogLevel.Warning, Message = "Recording {Id} reached its cap of {Bytes} bytes; the rest of the session is not recorded")]
    public static partial void RecordingCapped(this ILogger logger, string? id, long bytes);

    [LoggerMessage(EventId = 6765, Level = LogLevel.Debug, Message = "Recording {Id}: the control plane was not told its end: {Reason}")]
    public static partial void RecordingEndNotTold(this ILogger logger, string id, string reason);

    [LoggerMessage(EventId = 6766, Level = LogLevel.Warning, Message = "The control plane does not take session recordings (404): PTY sessions are not recorded on this connection (session_recording on), or refused (required)")]
    public static partial void RecordingUnsupported(this ILogger logger);

    [LoggerMessage(EventId = 6767, Level = LogLevel.Warning, Message = "Refusing a {Kind} session ({Who}): session_recording is required and the recording could not start: {Reason}")]
    public static partial void SessionRefused(this ILogger logger, string kind, string who, string reason);

    [LoggerMessage(EventId = 6768, Level = LogLevel.Warning, Message = "Ending a {Kind} session ({Who}): session_recording is required and the recording cannot be written: {Reason}")]
    public static partial void SessionEndedUnrecorded(this ILogger logger, string kind, string who, string reason);
}
