using Agent.Runtime.Commands.ConfigSsh;
using Agent.Runtime.Os.Interop;

namespace Agent.Runtime.Commands;

/// <summary>
/// The ready-to-paste <c>ssh</c> command of <c>agent dev</c>: through the relay with <c>agent proxy</c>, the agent's host
/// keys pinned in a known-hosts file of the data directory. No client key is needed: the relay authenticated the user.
/// </summary>
public static class DevSsh
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Writes <c>&lt;data&gt;/dev/known_hosts</c> and <c>&lt;data&gt;/dev/token</c> (0600) and returns the command line.</summary>
    public static async Task<string> PrepareAsync(string dataDirectory, Uri controlPlane, string agent, string userToken, IReadOnlyList<string> hostKeys)
    {
        ArgumentNullException.ThrowIfNull(controlPlane);
        ArgumentNullException.ThrowIfNull(hostKeys);
        var directory = PrivateDirectory.Ensure(Path.Join(dataDirectory, "dev"));
        var alias = SshConfigEntries.HostName(agent);
        var knownHosts = Path.Join(directory, "known_hosts");
        await AtomicFile.WriteAsync(knownHosts, System.Text.Encoding.UTF8.GetBytes(string.Concat(hostKeys.Select(key => $"{alias} {key}\n"))), OwnerOnly, CancellationToken.None);
        var tokenFile = Path.Join(directory, "token");
        await AtomicFile.WriteAsync(tokenFile, System.Text.Encoding.UTF8.GetBytes(userToken), OwnerOnly, CancellationToken.None, exactMode: true);
        var binary = AgentExecutable.Find() ?? $"dotnet {Path.Join(AppContext.BaseDirectory, "agent.dll")}";
        var proxy = $"{binary} proxy --url {controlPlane.ToString().TrimEnd('/')} --token-file {tokenFile} --agent {agent}";
        return $"ssh -o ProxyCommand='{proxy}' -o UserKnownHostsFile={knownHosts} -o HostKeyAlias={alias} -o StrictHostKeyChecking=yes {alias}";
    }
}
