using System.Text.Json.Serialization;

namespace Agent.Reactive.Protocol;

/// <summary>A volume in <see cref="ResourcesMonitoring"/>: the file system holding <see cref="Path"/>, warning at <see cref="Threshold"/> percent used.</summary>
public sealed record VolumeMonitoring
{
    [JsonPropertyName("path")]
    public string Path { get; init => field = value ?? string.Empty; } = string.Empty;

    [JsonPropertyName("enabled")]
    public bool Enabled { get; init; }

    [JsonPropertyName("threshold")]
    public int Threshold { get; init; } = 90;
}
