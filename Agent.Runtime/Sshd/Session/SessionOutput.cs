namespace Agent.Runtime.Sshd.Session;

/// <summary>What a session's output is, for what <see cref="SessionLoginWait"/> may write into it.</summary>
internal enum SessionOutput
{
    /// <summary>A terminal (the session asked for a PTY).</summary>
    Terminal,

    /// <summary>A command's or shell's stdout and stderr without a terminal.</summary>
    Command,

    /// <summary>A subsystem's protocol (SFTP): nothing may be written into it.</summary>
    Subsystem,
}
