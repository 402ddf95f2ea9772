using System.Text.Json.Serialization;

namespace Agent.Reactive.Protocol;

/// <summary>A workspace app of the manifest (Coder's <c>codersdk.WorkspaceApp</c>).</summary>
public sealed record WorkspaceApp
{
    [JsonPropertyName("id")]
    public Guid Id { get; init; }

    [JsonPropertyName("url")]
    public string Url { get; init => field = value ?? string.Empty; } = string.Empty;

    [JsonPropertyName("external")]
    public bool External { get; init; }

    [JsonPropertyName("slug")]
    public string Slug { get; init => field = value ?? string.Empty; } = string.Empty;

    [JsonPropertyName("display_name")]
    public string DisplayName { get; init => field = value ?? string.Empty; } = string.Empty;

    [JsonPropertyName("command")]
    public string Command { get; init => field = value ?? string.Empty; } = string.Empty;

    [JsonPropertyName("icon")]
    public string Icon { get; init => field = value ?? string.Empty; } = string.Empty;

    [JsonPropertyName("subdomain")]
    public bool Subdomain { get; init; }

    [JsonPropertyName("sharing_level")]
    public string SharingLevel { get; init => field = value ?? "owner"; } = "owner";

    [JsonPropertyName("healthcheck")]
    public Healthcheck Healthcheck { get; init => field = value ?? new(); } = new();

    [JsonPropertyName("health")]
    public AppHealth Health { get; init; } = AppHealth.Disabled;
}
