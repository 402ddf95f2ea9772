namespace Agent.Runtime.Relay.Yamux;

/// <summary>The peer sent a frame that breaks the yamux protocol; the session ends with a protocol-error go-away.</summary>
internal sealed class YamuxProtocolException : Exception
{
    public YamuxProtocolException()
        : this("yamux protocol error")
    {
    }

    public YamuxProtocolException(string message)
        : base(message)
    {
    }

    public YamuxProtocolException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
