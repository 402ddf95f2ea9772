namespace Agent.Runtime.Relay.Yamux;

/// <summary>The yamux session ended (go-away, dispose, transport loss or protocol error); <see cref="Exception.Message"/> says why.</summary>
public sealed class YamuxSessionClosedException : IOException
{
    public YamuxSessionClosedException()
        : this("yamux session closed")
    {
    }

    public YamuxSessionClosedException(string message)
        : base(message)
    {
        Reason = message;
    }

    public YamuxSessionClosedException(string message, Exception innerException)
        : base(message, innerException)
    {
        Reason = message;
    }

    /// <summary>Why the session ended.</summary>
    public string Reason { get; }
}
