namespace Agent.Reactive.Terminal;

/// <summary>A terminal could not be attached because a bound (sessions, clients per session) is reached.</summary>
public sealed class TerminalCapacityException : Exception
{
    public TerminalCapacityException()
    {
    }

    public TerminalCapacityException(string message)
        : base(message)
    {
    }

    public TerminalCapacityException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
