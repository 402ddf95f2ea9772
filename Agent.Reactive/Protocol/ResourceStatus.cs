using System.Text.Json.Serialization;

namespace Agent.Reactive.Protocol;

/// <summary>
/// One watched resource at one sample: <see cref="Resource"/> is <c>memory</c> or a volume's path, <see cref="Kind"/>
/// <c>memory</c> or <c>volume</c>, <see cref="Used"/> and <see cref="Total"/> in bytes, its threshold and state, and when
/// the state last changed (null while it has been <c>ok</c> from the start).
/// </summary>
public sealed record ResourceStatus
{
    public const string MemoryKind = "memory";
    public const string VolumeKind = "volume";

    [JsonPropertyName("resource")]
    public string Resource { get; init => field = value ?? string.Empty; } = string.Empty;

    [JsonPropertyName("kind")]
    public string Kind { get; init => field = value ?? string.Empty; } = string.Empty;

    [JsonPropertyName("used")]
    public long Used { get; init; }

    [JsonPropertyName("total")]
    public long Total { get; init; }

    [JsonPropertyName("threshold")]
    public int Threshold { get; init; }

    [JsonPropertyName("state")]
    public ResourceState State { get; init; }

    [JsonPropertyName("changed_at")]
    public DateTimeOffset? ChangedAt { get; init; }

    /// <summary>Used as a percentage of total (one decimal); 0 when the total is unknown.</summary>
    [JsonPropertyName("percent")]
    public double Percent => Total <= 0 ? 0 : Math.Round(100.0 * Used / Total, 1);
}
