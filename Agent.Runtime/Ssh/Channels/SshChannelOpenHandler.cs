namespace Agent.Runtime.Ssh.Channels;

/// <summary>
/// Opens a channel of one type for the peer (registered by type name, e.g. <c>session</c>, <c>direct-tcpip</c>).
/// <paramref name="channel"/> is reserved but not confirmed yet: nothing may be sent on it before this returns.
/// <paramref name="data"/> holds the type-specific fields after the window and packet sizes. Runs concurrently
/// with the connection's reading loop (a slow connect does not hold other channels).
/// </summary>
public delegate ValueTask<SshChannelOpenResult> SshChannelOpenHandler(SshChannel channel, ReadOnlyMemory<byte> data, CancellationToken cancellationToken);
