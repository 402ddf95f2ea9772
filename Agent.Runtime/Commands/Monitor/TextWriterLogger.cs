using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Commands.Monitor;

/// <summary>
/// A logger for command-line tools: one line per entry (<c>warn: ...</c>) on a writer, from a minimum level; control
/// characters in messages (which can quote the control plane) are made visible (<see cref="TerminalText"/>).
/// </summary>
public sealed class TextWriterLogger : ILogger
{
    private readonly TextWriter _writer;
    private readonly LogLevel _minimum;
    private readonly Lock _gate = new();

    public TextWriterLogger(TextWriter writer, LogLevel minimum)
    {
        ArgumentNullException.ThrowIfNull(writer);
        _writer = writer;
        _minimum = minimum;
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None && logLevel >= _minimum;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        if (!IsEnabled(logLevel))
            return;
        var label = logLevel switch
        {
            LogLevel.Trace => "trce",
            LogLevel.Debug => "dbug",
            LogLevel.Information => "info",
            LogLevel.Warning => "warn",
            LogLevel.Error => "fail",
            _ => "crit",
        };
        var message = TerminalText.Clean(formatter(state, exception));
        lock (_gate)
        {
            _writer.WriteLine(exception is null ? $"{label}: {message}" : $"{label}: {message}: {TerminalText.Clean(exception.Message)}");
            _writer.Flush();
        }
    }
}
