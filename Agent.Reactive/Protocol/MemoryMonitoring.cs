using System.Text.Json.Serialization;

namespace Agent.Reactive.Protocol;

/// <summary>Memory in <see cref="ResourcesMonitoring"/>: watched when <see cref="Enabled"/>, warning at <see cref="Threshold"/> percent used.</summary>
public sealed record MemoryMonitoring
{
    [JsonPropertyName("enabled")]
    public bool Enabled { get; init; }

    [JsonPropertyName("threshold")]
    public int Threshold { get; init; } = 90;
}
