using Agent.Runtime.Relay;

namespace Agent.Runtime.ControlPlane.PortProxy;

/// <summary>Which proxy hosts lead somewhere: an agent of the workspace (its name matched without regard to case) and a port the proxy opens.</summary>
internal sealed class PortProxyRoute
{
    private readonly Dictionary<string, string> _agents;

    public PortProxyRoute(ControlPlaneStore store)
    {
        // Two agents whose names differ only in case have no host name of their own: neither is proxied.
        _agents = store.Agents
            .GroupBy(agent => agent.Name.ToLowerInvariant(), StringComparer.Ordinal)
            .Where(group => group.Count() == 1)
            .ToDictionary(group => group.Key, group => group.Single().Name, StringComparer.Ordinal);
    }

    /// <summary>Why <paramref name="port"/> is never proxied, or <c>null</c> when it may be.</summary>
    public static string? Refusal(int port)
    {
        if (port < RelayPorts.MinForwarded)
            return $"Port {port} is not opened in the browser: ports 1-8 are the agent's own (SSH, terminal, speed test, API) or reserved.";
        return ListeningPortsEndpoint.IgnoredPorts.Contains(port)
            ? $"Port {port} is not opened in the browser: it is one of Coder's ignored ports (system and database services such as SSH, SMTP, LDAP, MySQL, PostgreSQL, MongoDB)."
            : null;
    }

    /// <summary>The workspace's name of the agent a host label names, or <c>null</c>.</summary>
    public string? AgentOf(PortProxyHost host) => _agents.GetValueOrDefault(host.AgentLabel);
}
