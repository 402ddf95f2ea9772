using Agent.Runtime.Ssh.Channels;

namespace Agent.Runtime.Sshd.Session;

/// <summary>
/// Runs one subsystem (<c>sftp</c>) on a session channel: <paramref name="input"/> and <paramref name="output"/> are
/// the channel's data; <paramref name="channel"/> gives its connection (for state shared by the connection's
/// subsystems, such as the SFTP handle budget). The result is the exit status.
/// </summary>
public delegate Task<int> SshSubsystemHandler(SshChannel channel, Stream input, Stream output, CancellationToken cancellationToken);
