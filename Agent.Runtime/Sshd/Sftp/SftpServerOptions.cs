namespace Agent.Runtime.Sshd.Sftp;

/// <summary>How an SFTP session behaves.</summary>
public sealed record SftpServerOptions
{
    /// <summary>OpenSSH's limit for one SFTP message (256 KiB).</summary>
    public const int OpenSshMaxMessageLength = 256 * 1024;

    /// <summary>Where relative paths start and what <c>realpath(".")</c> and <c>~</c> are: the user's home.</summary>
    public required string HomeDirectory { get; init; }

    /// <summary>
    /// The largest packet accepted (longer ones end the session), advertised by <c>limits@openssh.com</c>: OpenSSH's
    /// 256 KiB plus some room, so a client that sends full 256 KiB writes is not cut off.
    /// </summary>
    public int MaxPacketLength { get; init; } = OpenSshMaxMessageLength + (8 * 1024);

    /// <summary>
    /// READ requests longer than this are shortened. OpenSSH's value (256 KiB - 1 KiB) keeps every DATA reply within
    /// the 256 KiB a client accepts.
    /// </summary>
    public int MaxReadLength { get; init; } = OpenSshMaxMessageLength - 1024;

    /// <summary>The longest WRITE advertised, OpenSSH's value (the packet limit is what is enforced).</summary>
    public int MaxWriteLength { get; init; } = OpenSshMaxMessageLength - 1024;

    /// <summary>At most this many files and directories open at once per session.</summary>
    public int MaxOpenHandles { get; init; } = 256;

    /// <summary>
    /// A budget of handles shared with other sessions (all SFTP channels of one SSH connection); <c>null</c> when the
    /// session is alone (stdin/stdout), bounded by <see cref="MaxOpenHandles"/> only.
    /// </summary>
    public SftpHandleBudget? HandleBudget { get; init; }

    /// <summary>The SSH connection the session runs in, for the logs; <c>null</c> outside SSH.</summary>
    public long? ConnectionId { get; init; }

    /// <summary>Refuse everything that changes the file system (PERMISSION_DENIED), like <c>sftp-server -R</c>.</summary>
    public bool ReadOnly { get; init; }

    /// <summary>Where the session's file operations are recorded (the SSH session's connection report); <c>null</c> records none.</summary>
    public Agent.Reactive.Audit.FileOperationLog? FileOperations { get; init; }

    /// <summary>What <c>limits@openssh.com</c> announces: the handles a session may hold at most.</summary>
    internal int HandleLimit => HandleBudget is { } budget ? Math.Min(MaxOpenHandles, budget.Capacity) : MaxOpenHandles;
}
