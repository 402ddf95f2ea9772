using System.Text.Json;
using Agent.Reactive.Protocol;

namespace Agent.Specs.Reactive.Protocol;

/// <summary>The manifest's <c>resources_monitoring</c> in Coder's shape; an older manifest watches nothing.</summary>
public sealed class ResourcesMonitoringManifestSpecs
{
    [Fact]
    public void Deserialize_CodersShape_ReadsMemoryVolumesIntervalAndDatapoints()
    {
        const string json = """
            {"resources_monitoring": {"memory": {"enabled": true, "threshold": 80},
             "volumes": [{"path": "/home/coder", "enabled": true, "threshold": 90}],
             "collection_interval_seconds": 15, "num_datapoints": 4}}
            """;

        var manifest = JsonSerializer.Deserialize(json, AgentJsonContext.Default.Manifest)!;

        var monitoring = manifest.ResourcesMonitoring!;
        Assert.Equal(new MemoryMonitoring { Enabled = true, Threshold = 80 }, monitoring.Memory);
        Assert.Equal(new VolumeMonitoring { Path = "/home/coder", Enabled = true, Threshold = 90 }, Assert.Single(monitoring.Volumes));
        Assert.Equal(15, monitoring.CollectionIntervalSeconds);
        Assert.Equal(4, monitoring.NumDatapoints);
    }

    [Fact]
    public void Deserialize_OlderManifest_WatchesNothing()
    {
        var manifest = JsonSerializer.Deserialize("""{"startup_script": ""}""", AgentJsonContext.Default.Manifest)!;

        Assert.Null(manifest.ResourcesMonitoring);
    }

    [Fact]
    public void Deserialize_MoreVolumesThanTheCap_KeepsTheFirst()
    {
        var volumes = string.Join(',', Enumerable.Range(0, 40).Select(i => $$"""{"path": "/v{{i}}", "enabled": true}"""));

        var manifest = JsonSerializer.Deserialize("""{"resources_monitoring": {"volumes": [""" + volumes + "]}}", AgentJsonContext.Default.Manifest)!;

        Assert.Equal(ResourcesMonitoring.MaxVolumes, manifest.ResourcesMonitoring!.Volumes.Count);
        Assert.Equal(10, manifest.ResourcesMonitoring.CollectionIntervalSeconds);
    }
}
