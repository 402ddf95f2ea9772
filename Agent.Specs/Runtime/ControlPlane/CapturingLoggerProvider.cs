using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Agent.Specs.Runtime.ControlPlane;

/// <summary>Keeps every log entry (level, event id, category, formatted message with its exception text) for assertions.</summary>
internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<CapturedLog> _entries = new();

    /// <summary>Every entry so far, oldest first.</summary>
    public IReadOnlyCollection<CapturedLog> Entries => _entries;

    /// <summary>Every entry so far as one line: <c>Level Category: message exception</c>.</summary>
    public IReadOnlyCollection<string> Messages => _entries.Select(entry => entry.Line).ToList();

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(_entries, categoryName);

    public void Dispose()
    {
    }

    private sealed class CapturingLogger(ConcurrentQueue<CapturedLog> entries, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            => entries.Enqueue(new CapturedLog(logLevel, eventId, category, $"{logLevel} {category}: {formatter(state, exception)} {exception}"));
    }
}
