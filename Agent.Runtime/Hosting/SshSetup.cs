using System.Net;
using System.Net.Sockets;
using System.Reactive.Disposables;
using Agent.Reactive;
using Agent.Reactive.Protocol;
using Agent.Runtime.Os.Pty;
using Agent.Runtime.Ssh.Auth;
using Agent.Runtime.Ssh.Keys;
using Agent.Runtime.Sshd.Server;
using Agent.Runtime.Sshd.Session;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Hosting;

/// <summary>The SSH servers of an agent: host keys, direct listeners (public keys only) and the relay's server.</summary>
public sealed class SshSetup(HostKeyStore hostKeys, IReadOnlyList<IPEndPoint> addresses, SshServerSettings settings) : IDisposable
{
    /// <summary>The host keys as OpenSSH public-key lines, for the startup report.</summary>
    public IReadOnlyList<string> PublicKeys { get; } = hostKeys.Keys.Select(key => key.ToOpenSshPublicKey()).ToList();

    /// <summary>Where the server listens once started (with the ports picked for port 0).</summary>
    public IReadOnlyList<IPEndPoint> Bound { get; private set; } = [];

    /// <summary>Starts the direct listeners (if any) for <paramref name="agent"/>'s sessions; disposing stops them.</summary>
    public IDisposable Start(WorkspaceAgent agent, ILoggerFactory loggerFactory)
    {
        if (addresses.Count == 0)
            return Disposable.Empty;
        var server = Create(agent, settings, loggerFactory);
        var bound = new List<IPEndPoint>();
        foreach (var address in addresses)
        {
            try
            {
                bound.Add(server.Listen(address));
            }
            catch (SocketException e)
            {
                // An address in use or not on this machine is the user's to fix: say which, and close what was bound.
                server.DisposeAsync().AsTask().GetAwaiter().GetResult();
                throw new IOException($"cannot listen for SSH on {address}: {e.Message}", e);
            }
        }

        Bound = bound;
        var logger = loggerFactory.CreateLogger("Agent.Ssh");
        foreach (var endpoint in Bound)
            logger.SshListening(endpoint);
        return Disposable.Create(() => server.DisposeAsync().AsTask().GetAwaiter().GetResult());
    }

    /// <summary>
    /// The server for connections through the control plane's relay, which authenticated the user already: no
    /// credentials are asked (as Coder's tailnet SSH), but the same host keys, sessions and limits.
    /// </summary>
    public SshServer CreateRelayServer(WorkspaceAgent agent, ILoggerFactory loggerFactory)
        => Create(agent, settings with { Authentication = SshAuthenticationMode.Trusted }, loggerFactory);

    public void Dispose() => hostKeys.Dispose();

    private SshServer Create(WorkspaceAgent agent, SshServerSettings serverSettings, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(agent);
        return SshServerFactory.Create(
            serverSettings with { LoginGate = agent.LoginGate },
            hostKeys,
            () => new SshSessionEnvironmentSnapshot(
                agent.CurrentConnection?.Manifest ?? new Manifest(),
                agent.Environment,
                agent.CurrentConnection?.SessionToken ?? string.Empty),
            agent.Counters,
            loggerFactory,
            agent.Audit,
            agent.RecordSessions(new PtyLauncher(loggerFactory.CreateLogger<PtyLauncher>())));
    }
}
