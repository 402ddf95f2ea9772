using System.Text.Json.Serialization;
using Agent.Reactive.Monitoring;
using Agent.Reactive.Protocol;

namespace Agent.Runtime.ControlPlane;

/// <summary>What the user API says about an agent (<c>GET /api/v2/workspaceagents/{name}</c>).</summary>
public sealed record AgentSummary
{
    [JsonPropertyName("name")]
    public string Name { get; init; } = string.Empty;

    /// <summary><c>connected</c> when the agent called the API within the agent timeout, else <c>disconnected</c>.</summary>
    [JsonPropertyName("status")]
    public ConnectionState Status { get; init; } = ConnectionState.Disconnected;

    /// <summary><c>connected</c> while the agent's relay is up: only then can clients reach it.</summary>
    [JsonPropertyName("relay")]
    public ConnectionState Relay { get; init; } = ConnectionState.Disconnected;

    /// <summary>The last reported state; <c>created</c> until the agent reports one.</summary>
    [JsonPropertyName("lifecycle_state")]
    public LifecycleState LifecycleState { get; init; } = LifecycleState.Created;

    /// <summary>Server time the current lifecycle state was reported, or <c>null</c> while it is <c>created</c>.</summary>
    [JsonPropertyName("lifecycle_changed_at")]
    public DateTimeOffset? LifecycleChangedAt { get; init; }

    [JsonPropertyName("version")]
    public string Version { get; init; } = string.Empty;

    [JsonPropertyName("expanded_directory")]
    public string ExpandedDirectory { get; init; } = string.Empty;

    [JsonPropertyName("subsystem")]
    public string Subsystem { get; init; } = string.Empty;

    /// <summary>The agent's SSH host keys (OpenSSH public-key lines) for known_hosts; empty when it serves no SSH.</summary>
    [JsonPropertyName("ssh_host_keys")]
    public IReadOnlyList<string> SshHostKeys { get; init; } = [];

    /// <summary>The fingerprint of each of <see cref="SshHostKeys"/> (<c>SHA256:...</c>, as <c>ssh-keygen -l</c> prints it), in their order.</summary>
    [JsonPropertyName("ssh_host_key_fingerprints")]
    public IReadOnlyList<string> SshHostKeyFingerprints { get; init; } = [];

    /// <summary>The manifest's apps with their current health.</summary>
    [JsonPropertyName("apps")]
    public IReadOnlyList<WorkspaceApp> Apps { get; init; } = [];

    /// <summary>The last stats window with connection data, or <c>null</c>.</summary>
    [JsonPropertyName("last_stats")]
    public Stats? LastStats { get; init; }

    /// <summary>Server time of the agent's last API call, or <c>null</c> if it never called.</summary>
    [JsonPropertyName("last_seen_at")]
    public DateTimeOffset? LastSeenAt { get; init; }

    /// <summary>Set once a log batch was refused because the agent's logs reached the size limit.</summary>
    [JsonPropertyName("startup_logs_overflowed")]
    public bool StartupLogsOverflowed { get; init; }

    /// <summary>The watched resources' current usage and state (<c>ok</c>/<c>warning</c>); empty when the agent watches none.</summary>
    [JsonPropertyName("resources")]
    public IReadOnlyList<ResourceStatus> Resources { get; init; } = [];
}
