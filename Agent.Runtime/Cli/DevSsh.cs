using Agent.Runtime.Hosting;

namespace Agent.Runtime.Cli;

/// <summary>
/// The ready-to-paste <c>ssh</c> command of <c>agent dev</c>: through the relay with <c>agent proxy</c>, the agent's host
/// keys pinned in a known-hosts file of the data directory. No client key is needed: the relay authenticated the user.
/// </summary>
public static class DevSsh
{
    /// <summary>Writes <c>&lt;data&gt;/dev/known_hosts</c> (0600) and returns the command line.</summary>
    public static string Prepare(string dataDirectory, Uri controlPlane, string agent, string userToken, IReadOnlyList<string> hostKeys)
    {
        ArgumentNullException.ThrowIfNull(controlPlane);
        ArgumentNullException.ThrowIfNull(hostKeys);
        var directory = AgentHost.EnsurePrivateDirectory(Path.Join(dataDirectory, "dev"));
        var alias = $"agent.{agent}";
        var knownHosts = Path.Join(directory, "known_hosts");
        PrivateFile.Write(knownHosts, string.Concat(hostKeys.Select(key => $"{alias} {key}\n")));
        var tokenFile = Path.Join(directory, "token");
        PrivateFile.Write(tokenFile, userToken);
        var proxy = $"{AgentExecutable.CommandLine()} proxy --url {controlPlane.ToString().TrimEnd('/')} --token-file {tokenFile} --agent {agent}";
        return $"ssh -o ProxyCommand='{proxy}' -o UserKnownHostsFile={knownHosts} -o HostKeyAlias={alias} -o StrictHostKeyChecking=yes {alias}";
    }
}
