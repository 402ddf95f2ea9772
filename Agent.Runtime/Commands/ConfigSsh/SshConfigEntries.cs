using System.Text;
using System.Text.RegularExpressions;
using Agent.Runtime.Relay.Dialer;
using Agent.Runtime.Ssh.Keys;

namespace Agent.Runtime.Commands.ConfigSsh;

/// <summary>
/// The text <c>agent config-ssh</c> manages: one <c>Host agent.NAME</c> entry per agent (reached with
/// <c>agent proxy</c>, host key checked against its own known-hosts file) and that file's <c>agent.NAME KEY</c> lines.
/// </summary>
public static partial class SshConfigEntries
{
    public const string StartMarker = "# ------------START-AGENT-CONFIG-SSH------------";
    public const string EndMarker = "# -------------END-AGENT-CONFIG-SSH-------------";

    /// <summary>The host alias of an agent: <c>agent.NAME</c>.</summary>
    public static string HostName(string agent) => $"agent.{agent}";

    /// <summary>Agent names that are safe to put in ssh_config and known_hosts unquoted.</summary>
    public static bool IsUsableName(string name) => UsableName().IsMatch(name);

    /// <summary>The lines between the markers of ~/.ssh/config (each ending in <c>\n</c>).</summary>
    public static string HostEntries(IEnumerable<string> agents, string agentBinary, Uri controlPlane, string tokenFile, string knownHostsFile)
    {
        ArgumentNullException.ThrowIfNull(agents);
        var text = new StringBuilder();
        text.Append("# Written by `agent config-ssh`; it replaces this block when run again. Edits here are lost.\n");
        foreach (var agent in agents)
        {
            var host = HostName(agent);
            text.Append('\n')
                .Append("Host ").Append(host).Append('\n')
                .Append("  HostName ").Append(host).Append('\n')
                .Append("  ProxyCommand ").Append(Quote(agentBinary)).Append(" proxy --url ").Append(Quote(RelayDialer.Describe(controlPlane)))
                .Append(" --token-file ").Append(Quote(tokenFile)).Append(" --agent ").Append(agent).Append('\n')
                .Append("  UserKnownHostsFile ").Append(Quote(knownHostsFile)).Append('\n')
                .Append("  HostKeyAlias ").Append(host).Append('\n')
                .Append("  StrictHostKeyChecking yes\n")
                .Append("  ConnectTimeout 0\n")
                .Append("  LogLevel ERROR\n");
        }

        return text.ToString();
    }

    /// <summary>The lines between the markers of the known-hosts file: <c>agent.NAME TYPE BASE64</c> per published key.</summary>
    public static string KnownHosts(IEnumerable<(string Agent, IReadOnlyList<string> Keys)> agents)
    {
        ArgumentNullException.ThrowIfNull(agents);
        var text = new StringBuilder();
        foreach (var (agent, keys) in agents)
        {
            foreach (var key in keys)
            {
                if (PublicKeyLine.TryFields(key, out var type, out var blob))
                    text.Append(HostName(agent)).Append(' ').Append(type).Append(' ').Append(blob).Append('\n');
            }
        }

        return text.ToString();
    }

    /// <summary>The type and base64 fields of an OpenSSH public-key line (its comment dropped); false for anything else.</summary>
    // ssh_config splits on whitespace and honours double quotes; ssh expands % tokens in ProxyCommand and
    // UserKnownHostsFile, so a literal % is %%.
    private static string Quote(string value)
    {
        if (value.Contains('"', StringComparison.Ordinal) || value.Contains('\n', StringComparison.Ordinal) || value.Contains('\r', StringComparison.Ordinal))
            throw new ArgumentException($"cannot write {value} into an ssh config: it contains a quote or a line break", nameof(value));
        return $"\"{value.Replace("%", "%%", StringComparison.Ordinal)}\"";
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$")]
    private static partial Regex UsableName();
}
