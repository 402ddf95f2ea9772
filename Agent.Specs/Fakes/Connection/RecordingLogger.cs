using Microsoft.Extensions.Logging;

namespace Agent.Specs.Fakes.Connection;

/// <summary>Keeps every formatted log message (and its exception text) for assertions.</summary>
public sealed class RecordingLogger : ILogger
{
    private readonly List<(LogLevel Level, string Text)> _entries = [];

    public IReadOnlyList<(LogLevel Level, string Text)> Entries
    {
        get
        {
            lock (_entries)
                return [.. _entries];
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var text = formatter(state, exception) + (exception is null ? string.Empty : " | " + exception);
        lock (_entries)
            _entries.Add((logLevel, text));
    }
}
