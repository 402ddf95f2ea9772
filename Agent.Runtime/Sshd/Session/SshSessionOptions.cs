using Agent.Reactive.Audit;
using Agent.Reactive.Effects;
using Agent.Reactive.Protocol;
using Agent.Reactive.Statistics;
using Agent.Runtime.Os.Processes;
using Agent.Runtime.Sshd.Audit;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Sshd.Session;

/// <summary>What <c>session</c> channels need (<see cref="SshSessionChannelType"/>); one instance serves every connection of a server.</summary>
public sealed record SshSessionOptions
{
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

    /// <summary>Session counters for stats; <c>null</c> counts nothing.</summary>
    public AgentCounters? Counters { get; init; }

    /// <summary>Subsystems by name (<c>sftp</c>).</summary>
    public IReadOnlyDictionary<string, SshSubsystemHandler> Subsystems { get; init; }
        = new Dictionary<string, SshSubsystemHandler>(StringComparer.Ordinal);

    /// <summary>Extra session requests (<c>auth-agent-req@openssh.com</c>, <c>x11-req</c>); the built-in ones cannot be replaced.</summary>
    public IReadOnlyDictionary<string, SshSessionRequestHandler> SessionRequests { get; init; }
        = new Dictionary<string, SshSessionRequestHandler>(StringComparer.Ordinal);

    /// <summary>Sessions wait while it is closed (<c>start_blocks_login</c> scripts run); null: never.</summary>
    public Agent.Reactive.Scripts.LoginGate? LoginGate { get; init; }

    public required ILogger Logger { get; init; }

    /// <summary>Where sessions are reported when they open and end; <c>null</c> reports nothing.</summary>
    public IConnectionAudit? Audit { get; init; }

    /// <summary>What is refused (<c>--block-file-transfer</c>).</summary>
    public SshBlocks Blocks { get; init; } = SshBlocks.None;
}
