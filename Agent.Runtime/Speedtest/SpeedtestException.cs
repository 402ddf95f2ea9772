namespace Agent.Runtime.Speedtest;

/// <summary>
/// The speed test handshake failed: the peer sent something that is not a speed test message, or the server
/// refused the config (its <c>error</c> is the message).
/// </summary>
public sealed class SpeedtestException : Exception
{
    public SpeedtestException()
        : this("speed test failed")
    {
    }

    public SpeedtestException(string message)
        : base(message)
    {
    }

    public SpeedtestException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
