using Microsoft.Extensions.Logging;

namespace Agent.Specs.Utilities;

/// <summary>One entry kept by <see cref="RecordingLogger"/>: level, formatted message, the exception, if any, and the event id.</summary>
public readonly record struct LogEntry(LogLevel Level, string Message, Exception? Error, EventId EventId = default)
{
    /// <summary>The formatted message followed by the full exception text, so specs can check what an exception would leak.</summary>
    public string Text => Error is null ? Message : Message + " | " + Error;
}
