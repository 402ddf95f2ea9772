namespace Agent.Runtime.Ssh.Channels;

/// <summary>An SSH_MSG_CHANNEL_REQUEST: its type, whether a reply is wanted, and the type-specific fields.</summary>
public sealed class SshChannelRequest
{
    private readonly TaskCompletionSource _answered = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public SshChannelRequest(string type, bool wantReply, ReadOnlyMemory<byte> data)
    {
        ArgumentNullException.ThrowIfNull(type);
        Type = type;
        WantReply = wantReply;
        Data = data;
    }

    /// <summary>The request type, e.g. <c>exec</c> or <c>window-change</c>.</summary>
    public string Type { get; }

    /// <summary>Whether the peer waits for SUCCESS or FAILURE (sent by the multiplexer after the handler returns).</summary>
    public bool WantReply { get; }

    /// <summary>The fields after <c>want reply</c>.</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>
    /// Completes once the reply was sent (at once when none is wanted). Work started by the request waits for
    /// it before sending on the channel, so that e.g. an exit status never overtakes the exec's SUCCESS.
    /// </summary>
    public Task Answered => _answered.Task;

    internal void MarkAnswered() => _answered.TrySetResult();
}
