namespace Agent.Runtime.ControlPlane;

/// <summary>A relayed stream could not be opened; <see cref="StatusCode"/> is the HTTP status that tells the client.</summary>
public sealed class RelayOpenException : Exception
{
    public RelayOpenException()
    {
    }

    public RelayOpenException(string message)
        : base(message)
    {
    }

    public RelayOpenException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public RelayOpenException(int statusCode, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        StatusCode = statusCode;
    }

    public int StatusCode { get; } = 502;
}
