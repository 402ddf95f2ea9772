using System.Text.Json.Serialization;

namespace Agent.Reactive.Protocol;

/// <summary>One log source of the manifest (Coder's later <c>codersdk.WorkspaceAgentLogSource</c>).</summary>
public sealed record WorkspaceAgentLogSource
{
    [JsonPropertyName("id")]
    public Guid Id { get; init; }

    [JsonPropertyName("display_name")]
    public string DisplayName { get; init => field = value ?? string.Empty; } = string.Empty;

    [JsonPropertyName("icon")]
    public string Icon { get; init => field = value ?? string.Empty; } = string.Empty;
}
