namespace Agent.Runtime.Ssh.Channels;

/// <summary>The peer refused a channel the server opened (SSH_MSG_CHANNEL_OPEN_FAILURE).</summary>
public sealed class SshChannelOpenException : Exception
{
    public SshChannelOpenException()
        : this(ChannelOpenFailureReason.ConnectFailed, "channel open failed")
    {
    }

    public SshChannelOpenException(string message)
        : this(ChannelOpenFailureReason.ConnectFailed, message)
    {
    }

    public SshChannelOpenException(string message, Exception innerException)
        : base(message, innerException)
    {
        Reason = ChannelOpenFailureReason.ConnectFailed;
    }

    public SshChannelOpenException(ChannelOpenFailureReason reason, string message)
        : base(message)
    {
        Reason = reason;
    }

    public ChannelOpenFailureReason Reason { get; }
}
