using Microsoft.Extensions.Logging;

namespace Agent.Specs.Utilities;

/// <summary>One entry kept by <see cref="RecordingLogger"/>: level, formatted message and the exception, if any.</summary>
public readonly record struct LogEntry(LogLevel Level, string Message, Exception? Error)
{
    /// <summary>The event id the entry was logged with (0 for a plain <c>logger.LogX</c> call).</summary>
    public EventId Id { get; init; }

    /// <summary>The formatted message followed by the full exception text, so specs can check what an exception would leak.</summary>
    public string Text => Error is null ? Message : Message + " | " + Error;
}
