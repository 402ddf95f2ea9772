using Agent.Reactive.Effects;
using Agent.Reactive.Statistics;
using Agent.Runtime.Os.Processes;
using Agent.Runtime.Ssh.Auth;
using Agent.Runtime.Ssh.Channels;
using Agent.Runtime.Sshd.Session;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Ssh.Connection;

/// <summary>Everything <see cref="SshConnectionHandler"/> needs; one instance serves every connection of a listener.</summary>
public sealed class SshConnectionOptions
{
    /// <summary>Default bound on failed authentication attempts per connection.</summary>
    public const int DefaultMaxAuthenticationAttempts = 6;

    public required SshAuthenticationMode AuthenticationMode { get; init; }

    /// <summary>
    /// Whether a client key or certificate may log in, and with which restrictions (<c>null</c>: it may not); required in
    /// <see cref="SshAuthenticationMode.PublicKey"/> mode.
    /// </summary>
    public Func<SshKeyRequest, LoginRestrictions?>? AuthorizeKey { get; init; }

    /// <summary>Checks userauth signatures; required in <see cref="SshAuthenticationMode.PublicKey"/> mode.</summary>
    public SshSignatureVerifier? VerifySignature { get; init; }

    /// <summary>Which user names may log in with a public key; every name when <c>null</c> (and in trusted mode).</summary>
    public Func<string, bool>? AuthorizeUser { get; init; }

    /// <summary>Failed attempts before the connection is dropped (NO_MORE_AUTH_METHODS_AVAILABLE).</summary>
    public int MaxAuthenticationAttempts { get; init; } = DefaultMaxAuthenticationAttempts;

    /// <summary>
    /// Authentication requests of any kind (public-key queries included) before the connection is dropped
    /// (NO_MORE_AUTH_METHODS_AVAILABLE).
    /// </summary>
    public int MaxAuthenticationRequests { get; init; } = SshUserAuthenticator.DefaultMaxRequests;

    /// <summary>How long a client may take to authenticate.</summary>
    public TimeSpan AuthenticationTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Starts shells and commands on a PTY (sessions with <c>pty-req</c>).</summary>
    public required IPtyLauncher PtyLauncher { get; init; }

    /// <summary>Starts shells and commands with pipes (sessions without a PTY).</summary>
    public required IPipedProcessLauncher ProcessLauncher { get; init; }

    /// <summary>The current manifest, agent facts and token, read when a session starts.</summary>
    public required Func<SshSessionEnvironmentSnapshot> EnvironmentSource { get; init; }

    /// <summary>
    /// <c>SSH_CLIENT</c> and <c>SSH_CONNECTION</c> of sessions on a connection without IP addresses: <c>null</c> gives
    /// Coder's placeholders (the relay); inetd mode on a pipe gives sshd's <c>UNKNOWN 65535 ...</c>.
    /// </summary>
    public (string Client, string Connection)? AddresslessClient { get; init; }

    /// <summary>The message of the day for login shells; <c>null</c> uses the manifest's <c>motd_file</c>.</summary>
    public string? MotdFile { get; init; }

    /// <summary>Session and byte counters for stats; <c>null</c> counts nothing.</summary>
    public AgentCounters? Counters { get; init; }

    /// <summary>The longest a connection may last (<c>--ssh-max-timeout</c>); <c>null</c> or zero is unlimited.</summary>
    public TimeSpan? MaxConnectionLifetime { get; init; }

    /// <summary>
    /// After this long without a message from the client, a <c>keepalive@openssh.com</c> request goes out (like sshd's
    /// <c>ClientAliveInterval</c>); <c>null</c> turns keepalives off.
    /// </summary>
    public TimeSpan? KeepAliveInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Unanswered keepalives after which the connection is dropped (sshd's <c>ClientAliveCountMax</c>).</summary>
    public int KeepAliveCountMax { get; init; } = 3;

    /// <summary>Channels per connection: sessions (sshd's <c>MaxSessions</c>) and forwarding channels.</summary>
    public SshChannelLimits ChannelLimits { get; init; } = SshChannelLimits.Default;

    /// <summary>Subsystems by name (<c>sftp</c>).</summary>
    public IReadOnlyDictionary<string, SshSubsystemHandler> Subsystems { get; init; }
        = new Dictionary<string, SshSubsystemHandler>(StringComparer.Ordinal);

    /// <summary>Extra channel types (<c>direct-tcpip</c>, <c>direct-streamlocal@openssh.com</c>); <c>session</c> is built in.</summary>
    public IReadOnlyDictionary<string, SshChannelOpenHandler> ChannelTypes { get; init; }
        = new Dictionary<string, SshChannelOpenHandler>(StringComparer.Ordinal);

    /// <summary>Global requests (<c>tcpip-forward</c>, <c>cancel-tcpip-forward</c>...); anything else is declined.</summary>
    public IReadOnlyDictionary<string, SshGlobalRequestHandler> GlobalRequests { get; init; }
        = new Dictionary<string, SshGlobalRequestHandler>(StringComparer.Ordinal);

    /// <summary>Extra session requests (<c>auth-agent-req@openssh.com</c>, <c>x11-req</c>); the built-in ones cannot be replaced.</summary>
    public IReadOnlyDictionary<string, SshSessionRequestHandler> SessionRequests { get; init; }
        = new Dictionary<string, SshSessionRequestHandler>(StringComparer.Ordinal);

    public required ILoggerFactory LoggerFactory { get; init; }
}
