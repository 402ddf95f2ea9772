using System.Text.Json;
using System.Text.Json.Serialization;

namespace Agent.Reactive.Protocol;

/// <summary>
/// The agent manifest (<c>GET /api/v2/workspaceagents/me/manifest</c>), with the JSON names of Coder's
/// <c>agentsdk.Manifest</c> of mid-2023. Durations are integer nanoseconds on the wire.
/// </summary>
public sealed record Manifest
{
    [JsonPropertyName("git_auth_configs")]
    public int GitAuthConfigs { get; init; }

    [JsonPropertyName("vscode_port_proxy_uri")]
    public string VsCodePortProxyUri { get; init => field = value ?? string.Empty; } = string.Empty;

    [JsonPropertyName("apps")]
    public IReadOnlyList<WorkspaceApp> Apps { get; init => field = value is null ? [] : [.. value.Where(item => item is not null)]; } = [];

    /// <summary>Kept as raw JSON: this agent has no tailnet, but the value round-trips unchanged.</summary>
    [JsonPropertyName("derpmap")]
    public JsonElement? DerpMap { get; init; }

    [JsonPropertyName("environment_variables")]
    public IReadOnlyDictionary<string, string> EnvironmentVariables { get; init => field = value ?? new Dictionary<string, string>(); } = new Dictionary<string, string>();

    [JsonPropertyName("startup_script")]
    public string StartupScript { get; init => field = value ?? string.Empty; } = string.Empty;

    [JsonPropertyName("startup_script_timeout")]
    [JsonConverter(typeof(NanosecondsConverter))]
    public TimeSpan StartupScriptTimeout { get; init; }

    [JsonPropertyName("directory")]
    public string Directory { get; init => field = value ?? string.Empty; } = string.Empty;

    [JsonPropertyName("motd_file")]
    public string MotdFile { get; init => field = value ?? string.Empty; } = string.Empty;

    [JsonPropertyName("shutdown_script")]
    public string ShutdownScript { get; init => field = value ?? string.Empty; } = string.Empty;

    [JsonPropertyName("shutdown_script_timeout")]
    [JsonConverter(typeof(NanosecondsConverter))]
    public TimeSpan ShutdownScriptTimeout { get; init; }

    [JsonPropertyName("metadata")]
    public IReadOnlyList<MetadataDescription> Metadata { get; init => field = value is null ? [] : [.. value.Where(item => item is not null)]; } = [];

    // Scripts (issue 14, part 1): Coder's later fields. Absent in an old manifest: only the two scripts above run.
    [JsonPropertyName("scripts")]
    public IReadOnlyList<WorkspaceAgentScript> Scripts { get; init => field = value is null ? [] : [.. value.Where(item => item is not null)]; } = [];

    [JsonPropertyName("log_sources")]
    public IReadOnlyList<WorkspaceAgentLogSource> LogSources { get; init => field = value is null ? [] : [.. value.Where(item => item is not null)]; } = [];

    /// <summary>The resource monitor's settings (issue 14, part 2); <c>null</c> (an older manifest) watches nothing.</summary>
    [JsonPropertyName("resources_monitoring")]
    public ResourcesMonitoring? ResourcesMonitoring { get; init; }

    // Session recording (issue 14): "off" (the default, and what a manifest without it means), "on" or "required";
    // read by Recording.RecordingModes.Parse.
    [JsonPropertyName("session_recording")]
    public string SessionRecording { get; init => field = value ?? string.Empty; } = string.Empty;
}
