using System.Collections.Concurrent;
using Agent.Specs.Utilities;
using Microsoft.Extensions.Logging;

namespace Agent.Specs.Runtime.ControlPlane;

/// <summary>
/// Keeps every formatted log message (with its exception text) for assertions, and every entry with its event id and
/// the named properties of the message and of the scopes around it.
/// </summary>
internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _messages = new();
    private readonly ConcurrentQueue<LogEntry> _entries = new();
    private readonly AsyncLocal<Scope?> _scope = new();

    public IReadOnlyCollection<string> Messages => _messages;

    public IReadOnlyCollection<LogEntry> Entries => _entries;

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(this, categoryName);

    public void Dispose()
    {
    }

    private static IEnumerable<KeyValuePair<string, object?>> Pairs(object? state)
        => state as IEnumerable<KeyValuePair<string, object?>> ?? [];

    private void Add<TState>(LogLevel logLevel, string category, EventId eventId, TState state, Exception? exception, string message)
    {
        var properties = new Dictionary<string, object?>(StringComparer.Ordinal);
        for (var scope = _scope.Value; scope is not null; scope = scope.Parent)
        {
            foreach (var (name, value) in Pairs(scope.State))
                properties.TryAdd(name, value);
        }

        foreach (var (name, value) in Pairs(state))
            properties[name] = value;
        _messages.Enqueue($"{logLevel} {category}: {message} {exception}");
        _entries.Enqueue(new LogEntry(logLevel, message, exception, eventId, properties));
    }

    private sealed class Scope(CapturingLoggerProvider provider, object? state, Scope? parent) : IDisposable
    {
        public object? State => state;

        public Scope? Parent => parent;

        public void Dispose() => provider._scope.Value = parent;
    }

    private sealed class CapturingLogger(CapturingLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => provider._scope.Value = new Scope(provider, state, provider._scope.Value);

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            => provider.Add(logLevel, category, eventId, state, exception, formatter(state, exception));
    }
}
