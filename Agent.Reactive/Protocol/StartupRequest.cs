using System.Text.Json.Serialization;

namespace Agent.Reactive.Protocol;

/// <summary><c>POST me/startup</c>.</summary>
/// <remarks>
/// <see cref="SshHostKeys"/> is our addition: the agent's SSH host keys as OpenSSH public-key lines
/// (<c>ssh-ed25519 AAAA...</c>), so clients can verify the host; left out when the agent serves no SSH.
/// </remarks>
public sealed record StartupRequest(
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("expanded_directory")] string ExpandedDirectory,
    [property: JsonPropertyName("subsystem")] string Subsystem,
    [property: JsonPropertyName("ssh_host_keys")][property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? SshHostKeys = null);
