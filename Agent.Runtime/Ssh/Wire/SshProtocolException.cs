namespace Agent.Runtime.Ssh.Wire;

/// <summary>
/// The peer broke the protocol (bad length, bad padding, MAC failure, unexpected message...). It ends that one
/// connection: the transport sends SSH_MSG_DISCONNECT with <see cref="Reason"/> and logs the message.
/// </summary>
public sealed class SshProtocolException : Exception
{
    public SshProtocolException()
        : this(DisconnectReason.ProtocolError, "protocol error")
    {
    }

    public SshProtocolException(string message)
        : this(DisconnectReason.ProtocolError, message)
    {
    }

    public SshProtocolException(string message, Exception innerException)
        : base(message, innerException)
    {
        Reason = DisconnectReason.ProtocolError;
    }

    public SshProtocolException(DisconnectReason reason, string message)
        : base(message)
    {
        Reason = reason;
    }

    public DisconnectReason Reason { get; }
}
