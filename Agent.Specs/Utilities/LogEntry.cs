using Microsoft.Extensions.Logging;

namespace Agent.Specs.Utilities;

/// <summary>
/// One entry kept by <see cref="RecordingLogger"/> or the control plane's capturing provider: level, formatted message,
/// the exception, if any, and (where the recorder keeps them) the event id and the named properties of the message and
/// of the scopes it was logged in.
/// </summary>
public readonly record struct LogEntry(LogLevel Level, string Message, Exception? Error, EventId EventId = default, IReadOnlyDictionary<string, object?>? Properties = null)
{
    /// <summary>The formatted message followed by the full exception text, so specs can check what an exception would leak.</summary>
    public string Text => Error is null ? Message : Message + " | " + Error;

    /// <summary>The named property <paramref name="name"/> (from the message or a scope), or null.</summary>
    public object? Property(string name) => Properties?.GetValueOrDefault(name);
}
