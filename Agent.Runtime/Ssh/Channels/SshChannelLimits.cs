namespace Agent.Runtime.Ssh.Channels;

/// <summary>
/// How many channels one connection may hold open at once, by kind: <c>session</c> channels (sshd's
/// <c>MaxSessions</c>, 10 by default) and every other channel (<c>direct-tcpip</c>, <c>forwarded-tcpip</c>,
/// Unix-socket, agent and X11 channels, whichever side opened them), so one connection cannot hold unbounded
/// processes or sockets. Channels are also flow-controlled: each starts with <see cref="InitialWindow"/> of receive
/// window and earns more, up to <see cref="MaxWindow"/>, only while its consumer keeps draining it.
/// </summary>
/// <param name="MaxSessions">Session channels open at once; more are refused as administratively prohibited.</param>
/// <param name="MaxOtherChannels">Other channels open at once; more are refused as a resource shortage.</param>
public sealed record SshChannelLimits(int MaxSessions = SshChannelLimits.DefaultMaxSessions, int MaxOtherChannels = SshChannelLimits.DefaultMaxOtherChannels)
{
    /// <summary>The channel type of interactive sessions (exec, shell, subsystems).</summary>
    public const string SessionType = "session";

    /// <summary>sshd's <c>MaxSessions</c> default.</summary>
    public const int DefaultMaxSessions = 10;

    /// <summary>Forwarding channels per connection: as many as one remote listener may relay at once.</summary>
    public const int DefaultMaxOtherChannels = 256;

    /// <summary>The receive window a channel starts with.</summary>
    public const uint InitialWindow = 256 * 1024;

    /// <summary>The largest receive window a channel grows to (one stream filling a fast link).</summary>
    public const uint MaxWindow = 4 * 1024 * 1024;

    /// <summary>
    /// What a consumer must have read since the window last grew before it grows again: more than a child's stdin
    /// pipe (1 MiB) and one pending read hold, so bytes that only moved into the pipe of a child that never reads
    /// do not count as a consumer keeping up.
    /// </summary>
    public const uint GrowthEvidence = 2 * 1024 * 1024;

    public static SshChannelLimits Default { get; } = new();

    internal static bool IsSession(string type) => string.Equals(type, SessionType, StringComparison.Ordinal);
}
