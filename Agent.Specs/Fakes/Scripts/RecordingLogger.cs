using Microsoft.Extensions.Logging;

namespace Agent.Specs.Fakes.Scripts;

/// <summary>Keeps every formatted log entry.</summary>
public sealed class RecordingLogger : ILogger
{
    public List<(LogLevel Level, string Message, Exception? Error)> Entries { get; } = [];

    public IEnumerable<string> Warnings
        => Entries.Where(entry => entry.Level == LogLevel.Warning).Select(entry => entry.Message);

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (Entries)
            Entries.Add((logLevel, formatter(state, exception), exception));
    }
}
