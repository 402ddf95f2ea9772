namespace Agent.Runtime.Ssh.Auth;

/// <summary>
/// What one login may do, from the options of the authorized_keys line that let it in and the certificate it used
/// (sshd(8) "AUTHORIZED_KEYS FILE FORMAT", PROTOCOL.certkeys): a forced command, and whether a PTY, port forwarding
/// (<c>-L</c>/<c>-R</c>, TCP and Unix sockets), agent forwarding, X11 forwarding and <c>~/.ssh/rc</c> are permitted,
/// with the <c>permitopen</c>/<c>permitlisten</c> lists (<c>null</c>: any). The session and forwarding handlers read
/// it from the connection and refuse what it does not allow. <see cref="None"/> restricts nothing.
/// </summary>
public sealed record LoginRestrictions
{
    /// <summary>No restriction: a plain authorized key without options, or the relay's trusted connections.</summary>
    public static LoginRestrictions None { get; } = new();

    /// <summary>Everything off (the <c>restrict</c> option, and a certificate before its extensions).</summary>
    public static LoginRestrictions Restricted { get; } = new()
    {
        Pty = false,
        PortForwarding = false,
        AgentForwarding = false,
        X11Forwarding = false,
        UserRc = false,
    };

    /// <summary>The command run instead of whatever the client asks for (shell, exec or subsystem); <c>null</c> for none.</summary>
    public string? ForcedCommand { get; init; }

    public bool Pty { get; init; } = true;

    /// <summary>Local and remote forwarding, TCP and Unix sockets (<c>ssh -L</c>, <c>ssh -R</c>).</summary>
    public bool PortForwarding { get; init; } = true;

    public bool AgentForwarding { get; init; } = true;

    public bool X11Forwarding { get; init; } = true;

    /// <summary>Whether <c>~/.ssh/rc</c> may run (the agent never runs it; kept so the options read as written).</summary>
    public bool UserRc { get; init; } = true;

    /// <summary>Where <c>ssh -L</c> may connect (<c>permitopen</c>); <c>null</c> is anywhere.</summary>
    public IReadOnlyList<PermittedEndpoint>? PermitOpen { get; init; }

    /// <summary>Where <c>ssh -R</c> may listen (<c>permitlisten</c>); <c>null</c> is anywhere.</summary>
    public IReadOnlyList<PermittedEndpoint>? PermitListen { get; init; }

    /// <summary>
    /// Variables the key's <c>environment=</c> options set, over the client's (only with <c>--permit-user-environment</c>,
    /// sshd's <c>PermitUserEnvironment</c>; empty otherwise).
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, string>> Environment { get; init; } = [];

    /// <summary>Whether a <c>direct-tcpip</c> channel to <paramref name="host"/>:<paramref name="port"/> is permitted.</summary>
    public bool AllowsOpen(string host, uint port)
        => PortForwarding && (PermitOpen is null || PermitOpen.Any(p => p.MatchesOpen(host, port)));

    /// <summary>Whether a <c>tcpip-forward</c> on <paramref name="host"/>:<paramref name="port"/> is permitted.</summary>
    public bool AllowsListen(string host, uint port)
        => PortForwarding && (PermitListen is null || PermitListen.Any(p => p.MatchesListen(host, port)));

    /// <summary>
    /// Both sets at once, the most restrictive of each: a permission only when both give it, a list entry only when both
    /// lists hold it. Two different forced commands cannot both hold: <c>null</c>, and the login is refused (as sshd).
    /// </summary>
    public LoginRestrictions? Intersect(LoginRestrictions other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (ForcedCommand is not null && other.ForcedCommand is not null && ForcedCommand != other.ForcedCommand)
            return null;
        return new LoginRestrictions
        {
            ForcedCommand = ForcedCommand ?? other.ForcedCommand,
            Pty = Pty && other.Pty,
            PortForwarding = PortForwarding && other.PortForwarding,
            AgentForwarding = AgentForwarding && other.AgentForwarding,
            X11Forwarding = X11Forwarding && other.X11Forwarding,
            UserRc = UserRc && other.UserRc,
            PermitOpen = Both(PermitOpen, other.PermitOpen),
            PermitListen = Both(PermitListen, other.PermitListen),
            Environment = other.Environment.Count == 0 ? Environment : Environment.Count == 0 ? other.Environment : [.. Environment, .. other.Environment],
        };
    }

    /// <summary>The restrictions in words, for the login's log line.</summary>
    public override string ToString()
    {
        var off = new List<string>();
        if (ForcedCommand is not null)
            off.Add("forced command");
        if (!Pty)
            off.Add("no-pty");
        if (!PortForwarding)
            off.Add("no-port-forwarding");
        if (!AgentForwarding)
            off.Add("no-agent-forwarding");
        if (!X11Forwarding)
            off.Add("no-X11-forwarding");
        if (PermitOpen is not null)
            off.Add($"permitopen ({PermitOpen.Count})");
        if (PermitListen is not null)
            off.Add($"permitlisten ({PermitListen.Count})");
        return off.Count == 0 ? "none" : string.Join(", ", off);
    }

    private static IReadOnlyList<PermittedEndpoint>? Both(IReadOnlyList<PermittedEndpoint>? first, IReadOnlyList<PermittedEndpoint>? second)
        => first is null ? second : second is null ? first : [.. first.Where(second.Contains)];
}
