namespace Agent.Runtime.Ssh.Channels;

/// <summary>
/// What runs a channel once it is open. Calls come from the connection's reading loop one at a time, in the
/// order the peer sent them; they must not wait for the peer (data arrives through <see cref="SshChannel.ReadAsync"/>).
/// </summary>
public interface ISshChannelHandler
{
    /// <summary>Handles a channel request; the result is the reply when one is wanted.</summary>
    ValueTask<bool> OnRequestAsync(SshChannelRequest request, CancellationToken cancellationToken);

    /// <summary>The channel is over: the peer closed it or the connection ended. Called once; stop everything.</summary>
    void OnClosed();
}
