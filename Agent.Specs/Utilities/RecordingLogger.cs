using Microsoft.Extensions.Logging;

namespace Agent.Specs.Utilities;

/// <summary>Keeps every log entry (level, formatted message, exception) for assertions; safe to write from any thread.</summary>
public class RecordingLogger : ILogger
{
    private readonly Lock _gate = new();
    private readonly List<LogEntry> _entries = [];

    /// <summary>A snapshot of the entries so far, oldest first.</summary>
    public IReadOnlyList<LogEntry> Entries
    {
        get
        {
            lock (_gate)
                return [.. _entries];
        }
    }

    /// <summary>The formatted messages (without exception text) of the warnings so far.</summary>
    public IReadOnlyList<string> Warnings => At(LogLevel.Warning);

    /// <summary>The formatted messages (without exception text) logged at <paramref name="level"/> so far.</summary>
    public IReadOnlyList<string> At(LogLevel level) => Entries.Where(e => e.Level == level).Select(e => e.Message).ToList();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var entry = new LogEntry(logLevel, formatter(state, exception), exception, eventId);
        lock (_gate)
            _entries.Add(entry);
    }
}
