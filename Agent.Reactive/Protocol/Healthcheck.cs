using System.Text.Json.Serialization;

namespace Agent.Reactive.Protocol;

/// <summary>An app's health check: probe <see cref="Url"/> every <see cref="Interval"/> seconds.</summary>
public sealed record Healthcheck
{
    [JsonPropertyName("url")]
    public string Url { get; init => field = value ?? string.Empty; } = string.Empty;

    /// <summary>Seconds between probes; also the probe's timeout.</summary>
    [JsonPropertyName("interval")]
    public int Interval { get; init; }

    /// <summary>Consecutive failures tolerated before the app is unhealthy.</summary>
    [JsonPropertyName("threshold")]
    public int Threshold { get; init; }
}
