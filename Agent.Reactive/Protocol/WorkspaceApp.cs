using System.Text.Json.Serialization;

namespace Agent.Reactive.Protocol;

/// <summary>A workspace app of the manifest (Coder's <c>codersdk.WorkspaceApp</c>).</summary>
public sealed record WorkspaceApp
{
    [JsonPropertyName("id")]
    public Guid Id { get; init; }

    [JsonPropertyName("url")]
    public string Url { get; init; } = string.Empty;

    [JsonPropertyName("external")]
    public bool External { get; init; }

    [JsonPropertyName("slug")]
    public string Slug { get; init; } = string.Empty;

    [JsonPropertyName("display_name")]
    public string DisplayName { get; init; } = string.Empty;

    [JsonPropertyName("command")]
    public string Command { get; init; } = string.Empty;

    [JsonPropertyName("icon")]
    public string Icon { get; init; } = string.Empty;

    [JsonPropertyName("subdomain")]
    public bool Subdomain { get; init; }

    [JsonPropertyName("sharing_level")]
    public string SharingLevel { get; init; } = "owner";

    [JsonPropertyName("healthcheck")]
    public Healthcheck Healthcheck { get; init; } = new();

    [JsonPropertyName("health")]
    public AppHealth Health { get; init; } = AppHealth.Disabled;
}
