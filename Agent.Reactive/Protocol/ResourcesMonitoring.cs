using System.Text.Json.Serialization;

namespace Agent.Reactive.Protocol;

/// <summary>
/// The manifest's <c>resources_monitoring</c>, in the shape of Coder's (its Terraform block and its
/// <c>GetResourcesMonitoringConfiguration</c>): memory and the volumes to watch, each with a threshold in percent, sampled
/// every <see cref="CollectionIntervalSeconds"/>; <see cref="NumDatapoints"/> samples make one report when nothing changed.
/// </summary>
public sealed record ResourcesMonitoring
{
    /// <summary>At most this many volumes are watched; the rest of the list is ignored.</summary>
    public const int MaxVolumes = 32;

    public const int DefaultIntervalSeconds = 10;
    public const int DefaultDatapoints = 20;

    [JsonPropertyName("memory")]
    public MemoryMonitoring? Memory { get; init; }

    [JsonPropertyName("volumes")]
    public IReadOnlyList<VolumeMonitoring> Volumes { get; init => field = value is null ? [] : [.. value.Where(item => item is not null).Take(MaxVolumes)]; } = [];

    /// <summary>Seconds between samples; missing or not positive means Coder's default, 10.</summary>
    [JsonPropertyName("collection_interval_seconds")]
    public int CollectionIntervalSeconds { get => field > 0 ? field : DefaultIntervalSeconds; init; }

    /// <summary>Samples per report while no state changes; missing or not positive means Coder's default, 20. A state change is reported at once.</summary>
    [JsonPropertyName("num_datapoints")]
    public int NumDatapoints { get => field > 0 ? field : DefaultDatapoints; init; }
}
