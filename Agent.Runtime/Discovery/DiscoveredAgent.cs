namespace Agent.Runtime.Discovery;

/// <summary>
/// An agent that <c>agent discover</c> found: its description's name, SSH address and host keys, how it was found
/// (<c>ssdp</c>, <c>mdns</c> or both), and <see cref="Problem"/> when its announcement does not hold together (keys
/// that do not match their fingerprints, an SSH address that is not the announcer's, DNS-SD fingerprints that differ
/// from the description's): such an agent is listed but never written to known_hosts.
/// </summary>
public sealed record DiscoveredAgent(string Name, string Udn, string SshHost, int SshPort, IReadOnlyList<HostKeyRecord> Keys, Uri Location, string FoundBy, string? Problem)
{
    public string SshAddress => AgentDescription.SshAddress(SshHost, SshPort);

    /// <summary>The host as OpenSSH's known_hosts names it: <c>host</c> on port 22, else <c>[host]:port</c>.</summary>
    public string KnownHostsName => SshPort == 22 ? SshHost : $"[{SshHost}]:{SshPort}";
}
