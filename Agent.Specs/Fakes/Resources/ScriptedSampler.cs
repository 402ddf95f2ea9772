using Agent.Reactive.Effects;

namespace Agent.Specs.Fakes.Resources;

/// <summary>A sampler whose memory and volumes use what a spec sets, in percent of 1000 bytes; a null value fails the read.</summary>
public sealed class ScriptedSampler : IResourceSampler
{
    public const long Total = 1000;

    public double? MemoryPercent { get; set; } = 10;

    public Dictionary<string, double?> VolumePercent { get; } = new(StringComparer.Ordinal);

    public int Reads { get; private set; }

    public ResourceUsage Memory() => Usage(MemoryPercent, "memory");

    public ResourceUsage Volume(string path) => Usage(VolumePercent.GetValueOrDefault(path, 10), path);

    private ResourceUsage Usage(double? percent, string name)
    {
        Reads++;
        return percent is { } value ? new ResourceUsage((long)(value * Total / 100), Total) : throw new IOException($"{name} is unreadable");
    }
}
