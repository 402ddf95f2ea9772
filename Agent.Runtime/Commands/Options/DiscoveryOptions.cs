using System.CommandLine;
using System.Net;
using Agent.Runtime.Discovery;
using Agent.Runtime.Sshd.Server;

namespace Agent.Runtime.Commands.Options;

/// <summary>
/// <c>agent run --discovery [--discovery-name NAME]</c>: announce the agent on the LAN. It needs an
/// <c>--ssh-address</c> with a specific non-loopback IPv4 address (the address announced; its interface carries the
/// announcements); with only loopback or wildcard addresses the agent refuses to start (exit 2), since nothing on
/// the network could reach what it announced.
/// </summary>
public sealed class DiscoveryOptions
{
    public const string Variable = "CODER_AGENT_DISCOVERY";
    public const string NameVariable = "CODER_AGENT_DISCOVERY_NAME";

    public Option<bool> Enabled { get; } = new("--discovery")
    {
        Description = $"Announce this agent on the local network (SSDP and DNS-SD _ssh._tcp) at its non-loopback --ssh-address: name, SSH address, host keys; unauthenticated (env {Variable}=true; off by default)",
    };

    public Option<string?> Name { get; } = new("--discovery-name")
    {
        Description = $"The name --discovery announces (env {NameVariable}; default the host name)",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Enabled);
        command.Options.Add(Name);
    }

    /// <summary>
    /// The discovery settings, or <c>null</c> when discovery is off or an option is wrong (<paramref name="error"/>).
    /// <paramref name="environment"/> reads variables (specs pass their own).
    /// </summary>
    public DiscoverySettings? Parse(ParseResult result, IEnumerable<string> sshAddresses, Func<string, string?> environment, out string? error)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(environment);
        error = null;
        var enabled = result.GetValue(Enabled);
        if (result.GetResult(Enabled) is null or { Implicit: true } && environment(Variable) is { } value)
        {
            switch (value.Trim().ToUpperInvariant())
            {
                case "1" or "TRUE" or "YES" or "ON":
                    enabled = true;
                    break;
                case "" or "0" or "FALSE" or "NO" or "OFF":
                    break;
                default:
                    error = $"${Variable} \"{value}\" is not true or false";
                    return null;
            }
        }

        if (!enabled)
            return null;
        IPAddress? announced = null;
        foreach (var address in sshAddresses)
        {
            var endpoint = SshListenAddress.Parse(address);
            if (endpoint.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && !IPAddress.IsLoopback(endpoint.Address) && !endpoint.Address.Equals(IPAddress.Any))
            {
                announced = endpoint.Address;
                break;
            }
        }

        if (announced is null)
        {
            error = "--discovery announces the SSH listener on the local network: give an --ssh-address with a specific non-loopback IPv4 address (e.g. --ssh-address 192.168.1.20:2222); loopback and 0.0.0.0 cannot be announced";
            return null;
        }

        var name = (result.GetValue(Name) ?? environment(NameVariable))?.Trim();
        if (string.IsNullOrEmpty(name))
            name = Environment.MachineName;
        return new DiscoverySettings(name, announced);
    }
}
