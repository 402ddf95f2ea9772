namespace Agent.Runtime.Relay.Dialer;

/// <summary>
/// Opening a relayed stream failed: the control plane could not be reached, refused the upgrade (the reason is its
/// <c>X-Relay-Error</c> header, else one derived from the status) or did not answer in time. Never carries the token.
/// </summary>
public sealed class RelayDialException : IOException
{
    public RelayDialException()
    {
    }

    public RelayDialException(string message)
        : base(message)
    {
    }

    public RelayDialException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public RelayDialException(string message, int statusCode, Exception? innerException = null)
        : base(message, innerException)
    {
        StatusCode = statusCode;
    }

    /// <summary>The HTTP status of the refused upgrade; 0 when no answer arrived.</summary>
    public int StatusCode { get; }

    /// <summary>The control plane's own reason (its <c>X-Relay-Error</c> header), when it gave one.</summary>
    public string? RelayError { get; init; }
}
