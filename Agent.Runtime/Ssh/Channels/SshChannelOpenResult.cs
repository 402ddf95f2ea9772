namespace Agent.Runtime.Ssh.Channels;

/// <summary>The answer to a channel open: a handler (confirmation) or a failure reason and description.</summary>
public sealed class SshChannelOpenResult
{
    private SshChannelOpenResult(ISshChannelHandler? handler, ChannelOpenFailureReason reason, string description)
    {
        Handler = handler;
        Reason = reason;
        Description = description;
    }

    /// <summary>The handler of an accepted channel; <c>null</c> when rejected.</summary>
    public ISshChannelHandler? Handler { get; }

    public ChannelOpenFailureReason Reason { get; }

    public string Description { get; }

    public static SshChannelOpenResult Accept(ISshChannelHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return new SshChannelOpenResult(handler, 0, string.Empty);
    }

    public static SshChannelOpenResult Reject(ChannelOpenFailureReason reason, string description)
    {
        ArgumentNullException.ThrowIfNull(description);
        return new SshChannelOpenResult(null, reason, description);
    }
}
