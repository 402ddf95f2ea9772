using Agent.Reactive.Effects;
using Agent.Reactive.Statistics;
using Agent.Runtime.Ssh.Auth;
using Agent.Runtime.Ssh.Channels;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Ssh.Connection;

/// <summary>Everything <see cref="SshConnectionHandler"/> needs; one instance serves every connection of a listener.</summary>
public sealed record SshConnectionOptions
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

    /// <summary>Byte counters for stats; <c>null</c> counts nothing.</summary>
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

    /// <summary>
    /// Channel types the client may open, by name (the server registers <c>session</c>, <c>direct-tcpip</c>,
    /// <c>direct-streamlocal@openssh.com</c>); anything else is refused as an unknown channel type.
    /// </summary>
    public IReadOnlyDictionary<string, SshChannelOpenHandler> ChannelTypes { get; init; }
        = new Dictionary<string, SshChannelOpenHandler>(StringComparer.Ordinal);

    /// <summary>Global requests (<c>tcpip-forward</c>, <c>cancel-tcpip-forward</c>...); anything else is declined.</summary>
    public IReadOnlyDictionary<string, SshGlobalRequestHandler> GlobalRequests { get; init; }
        = new Dictionary<string, SshGlobalRequestHandler>(StringComparer.Ordinal);

    /// <summary>The clock of the authentication timeout, the connection lifetime and keepalives.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    public required ILoggerFactory LoggerFactory { get; init; }
}
