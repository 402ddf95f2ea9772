namespace Agent.Runtime.Sshd.Audit;

/// <summary>
/// What the SSH server refuses (<c>--block-file-transfer</c>, <c>--block-port-forwarding</c>; Coder's
/// <c>CODER_AGENT_BLOCK_FILE_TRANSFER</c>, <c>CODER_AGENT_BLOCK_LOCAL_PORT_FORWARDING</c>, <c>CODER_AGENT_BLOCK_REVERSE_PORT_FORWARDING</c>).
/// </summary>
/// <param name="FileTransfer">The SFTP subsystem, <c>scp</c>, <c>rsync</c>, <c>sftp-server</c>, <c>nc</c> and <c>tar</c> to or from stdio (<see cref="FileTransferCommands"/>).</param>
/// <param name="LocalForwarding"><c>ssh -L</c> and <c>-D</c>: <c>direct-tcpip</c> and <c>direct-streamlocal@openssh.com</c> channels.</param>
/// <param name="ReverseForwarding"><c>ssh -R</c>: <c>tcpip-forward</c> and <c>streamlocal-forward@openssh.com</c> requests.</param>
public sealed record SshBlocks(bool FileTransfer = false, bool LocalForwarding = false, bool ReverseForwarding = false)
{
    /// <summary>Nothing blocked (the default).</summary>
    public static SshBlocks None { get; } = new();
}
