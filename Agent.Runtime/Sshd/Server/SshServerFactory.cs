using Agent.Reactive.Audit;
using Agent.Reactive.Effects;
using Agent.Reactive.Protocol;
using Agent.Reactive.Statistics;
using Agent.Runtime.Os.Processes;
using Agent.Runtime.Os.Pty;
using Agent.Runtime.Ssh.Auth;
using Agent.Runtime.Ssh.Connection;
using Agent.Runtime.Ssh.Keys;
using Agent.Runtime.Ssh.Transport;
using Agent.Runtime.Sshd.Audit;
using Agent.Runtime.Sshd.Forwarding;
using Agent.Runtime.Sshd.Session;
using Agent.Runtime.Sshd.Sftp;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Sshd.Server;

/// <summary>Assembles an <see cref="SshServer"/> from its settings: host keys, authentication, sessions, SFTP.</summary>
public static class SshServerFactory
{
    /// <summary>
    /// Creates the server with <paramref name="hostKeys"/> (see <see cref="HostKeyStore.LoadOrCreateIn"/>); sessions and
    /// forwards are reported to <paramref name="audit"/> when given.
    /// </summary>
    public static SshServer Create(
        SshServerSettings settings,
        HostKeyStore hostKeys,
        Func<SshSessionEnvironmentSnapshot> environment,
        AgentCounters? counters,
        ILoggerFactory loggerFactory,
        IConnectionAudit? audit = null,
        IPtyLauncher? ptyLauncher = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(hostKeys);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        var logger = loggerFactory.CreateLogger("Agent.Ssh");
        var authorizer = new UserKeyAuthorizer(
            new AuthorizedKeysFile(settings.AuthorizedKeysFile, logger),
            settings.TrustedUserCaKeysFile is { } authorities ? new AuthorizedKeysFile(authorities, logger) : null,
            TimeProvider.System,
            logger,
            settings.PermitUserEnvironment);
        var sftpLogger = loggerFactory.CreateLogger("Agent.Ssh.Sftp");
        var blocks = settings.Blocks ?? SshBlocks.None;
        var forwarding = new SshForwardingOptions
        {
            HomeDirectory = () => environment().Environment.HomeDirectory,
            Logger = loggerFactory.CreateLogger("Agent.Ssh.Forwarding"),
        };
        var sessions = new SshSessionOptions
        {
            PtyLauncher = ptyLauncher ?? new PtyLauncher(loggerFactory.CreateLogger<PtyLauncher>()),
            ProcessLauncher = new PipedProcessLauncher(loggerFactory.CreateLogger<PipedProcessLauncher>()),
            EnvironmentSource = environment,
            Counters = counters,
            AddresslessClient = settings.AddresslessClient,
            Subsystems = new Dictionary<string, SshSubsystemHandler>(StringComparer.Ordinal)
            {
                [SftpSubsystem.Name] = SftpSubsystem.Create(() => environment().Environment.HomeDirectory, sftpLogger),
            },
            SessionRequests = SshForwarding.SessionRequests(forwarding),
            LoginGate = settings.LoginGate,
            Logger = loggerFactory.CreateLogger("Agent.Ssh.Session"),
            Audit = audit,
            Blocks = blocks,
        };
        var connection = new SshConnectionOptions
        {
            AuthenticationMode = settings.Authentication,
            AuthorizeKey = authorizer.Authorize,

            // The agent runs as one user: other names are refused (a typo, or someone probing), as sshd refuses unknown users.
            AuthorizeUser = user => string.Equals(user, environment().Environment.UserName, StringComparison.Ordinal),
            VerifySignature = (key, algorithm, data, signature) => SshCertificate.VerifyUserAuth(key.Span, algorithm, data.Span, signature.Span),
            Counters = counters,
            MaxConnectionLifetime = settings.MaxConnectionLifetime,
            ChannelTypes = SshSessionChannelType.With(ForwardingAudit.Channels(SshForwarding.ChannelTypes(forwarding), audit, blocks, forwarding.Logger), sessions),
            GlobalRequests = ForwardingAudit.GlobalRequests(SshForwarding.GlobalRequests(forwarding), audit, blocks, forwarding.Logger),
            LoggerFactory = loggerFactory,
        };
        var transport = new SshServerOptions { HostKeys = hostKeys.Keys };
        return new SshServer(transport, connection, loggerFactory);
    }
}
