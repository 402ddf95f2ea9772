using System.Text.Json.Serialization;

namespace Agent.Reactive.Protocol;

/// <summary>One metadata item of the manifest: a script run every <see cref="Interval"/> seconds.</summary>
public sealed record MetadataDescription
{
    [JsonPropertyName("display_name")]
    public string DisplayName { get; init => field = value ?? string.Empty; } = string.Empty;

    [JsonPropertyName("key")]
    public string Key { get; init => field = value ?? string.Empty; } = string.Empty;

    [JsonPropertyName("script")]
    public string Script { get; init => field = value ?? string.Empty; } = string.Empty;

    /// <summary>Seconds between collections; 0 collects once.</summary>
    [JsonPropertyName("interval")]
    public long Interval { get; init; }

    /// <summary>Seconds a collection may take; 0 falls back to the interval (5 s when both are 0).</summary>
    [JsonPropertyName("timeout")]
    public long Timeout { get; init; }
}
