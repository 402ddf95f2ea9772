namespace Agent.Runtime.Ssh.Channels;

/// <summary>
/// Handles one global request name (e.g. <c>tcpip-forward</c>). <paramref name="data"/> holds the fields after
/// <c>want reply</c>. Requests are handled one at a time in order (their replies must keep that order).
/// </summary>
public delegate ValueTask<SshGlobalRequestResult> SshGlobalRequestHandler(SshChannelMultiplexer connection, ReadOnlyMemory<byte> data, CancellationToken cancellationToken);
