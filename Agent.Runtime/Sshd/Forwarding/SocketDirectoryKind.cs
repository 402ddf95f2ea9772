namespace Agent.Runtime.Sshd.Forwarding;

/// <summary>What a socket directory may look like when it exists already (see <see cref="SocketDirectory"/>).</summary>
internal enum SocketDirectoryKind
{
    /// <summary>Only the agent's user may use it (mode 0700).</summary>
    Private,

    /// <summary><c>.X11-unix</c>: the agent's own and not writable by others, or root's with the sticky bit.</summary>
    X11,
}
