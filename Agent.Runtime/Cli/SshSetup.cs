using System.Net;
using System.Reactive.Disposables;
using Agent.Reactive;
using Agent.Reactive.Protocol;
using Agent.Runtime.Ssh.Connection;
using Agent.Runtime.Ssh.Keys;
using Agent.Runtime.Ssh.Server;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Cli;

/// <summary>The SSH server an agent command was asked for: host keys, where to listen, how to authenticate.</summary>
public sealed class SshSetup(HostKeyStore hostKeys, IReadOnlyList<IPEndPoint> addresses, SshServerSettings settings) : IDisposable
{
    /// <summary>The host keys as OpenSSH public-key lines, for the startup report.</summary>
    public IReadOnlyList<string> PublicKeys { get; } = hostKeys.Keys.Select(key => key.ToOpenSshPublicKey()).ToList();

    /// <summary>Where the server listens once started (with the ports picked for port 0).</summary>
    public IReadOnlyList<IPEndPoint> Bound { get; private set; } = [];

    /// <summary>Starts the server for <paramref name="agent"/>'s sessions; disposing stops it.</summary>
    public IDisposable Start(WorkspaceAgent agent, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(agent);
        var server = SshServerFactory.Create(
            settings,
            hostKeys,
            () => new SshSessionEnvironmentSnapshot(
                agent.CurrentSession?.Manifest ?? new Manifest(),
                agent.Environment,
                agent.CurrentSession?.SessionToken ?? string.Empty),
            agent.Counters,
            loggerFactory);
        Bound = addresses.Select(server.Listen).ToList();
        var logger = loggerFactory.CreateLogger("Agent.Ssh");
        foreach (var endpoint in Bound)
            logger.LogInformation("SSH: ssh -p {Port} {User}@{Host}", endpoint.Port, Environment.UserName, Host(endpoint));
        return Disposable.Create(() => server.DisposeAsync().AsTask().GetAwaiter().GetResult());
    }

    public void Dispose() => hostKeys.Dispose();

    private static string Host(IPEndPoint endpoint)
        => endpoint.Address.Equals(IPAddress.IPv6Any) || endpoint.Address.Equals(IPAddress.Any) ? "localhost" : endpoint.Address.ToString();
}
