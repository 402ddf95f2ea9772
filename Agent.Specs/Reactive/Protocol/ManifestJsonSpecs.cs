using System.Text.Json;
using Agent.Reactive.Protocol;

namespace Agent.Specs.Reactive.Protocol;

public sealed class ManifestJsonSpecs
{
    [Fact]
    public void Read_CoderManifest_DurationsAreNanosecondsAndKeysCaseInsensitive()
    {
        const string json = """
            {"Startup_Script":"echo hi","startup_script_timeout":180000000000,"directory":"~/src",
             "apps":[{"id":"4a3e0f5e-0000-4000-8000-000000000001","slug":"web","healthcheck":{"url":"http://localhost:8080","interval":3,"threshold":10},"health":"initializing"}],
             "metadata":[{"key":"cpu","display_name":"CPU","script":"echo 1","interval":5,"timeout":1}],
             "derpmap":{"Regions":{}},"some_future_field":{"x":1}}
            """;

        var manifest = JsonSerializer.Deserialize(json, AgentJsonContext.Default.Manifest)!;

        Assert.Equal("echo hi", manifest.StartupScript);
        Assert.Equal(TimeSpan.FromMinutes(3), manifest.StartupScriptTimeout);
        Assert.Equal(AppHealth.Initializing, manifest.Apps[0].Health);
        Assert.Equal(10, manifest.Apps[0].Healthcheck.Threshold);
        Assert.Equal(5, manifest.Metadata[0].Interval);
        Assert.True(manifest.DerpMap.HasValue);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"apps":null,"metadata":null,"environment_variables":null,"startup_script":null,"directory":null}""")]
    [InlineData("""{"apps":[null,{"healthcheck":null,"slug":null}],"metadata":[null]}""")]
    public void Read_MissingOrNullFields_ReadAsEmpty(string json)
    {
        var manifest = JsonSerializer.Deserialize(json, AgentJsonContext.Default.Manifest)!;

        Assert.Equal(string.Empty, manifest.StartupScript);
        Assert.Equal(string.Empty, manifest.Directory);
        Assert.Equal(string.Empty, manifest.ShutdownScript);
        Assert.NotNull(manifest.EnvironmentVariables);
        Assert.Empty(manifest.Metadata);
        Assert.All(manifest.Apps, app =>
        {
            Assert.Equal(string.Empty, app.Slug);
            Assert.Equal("owner", app.SharingLevel);
            Assert.Equal(string.Empty, app.Healthcheck.Url);
        });
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 1)]
    [InlineData(100, 1)]
    [InlineData(101, 2)]
    [InlineData(5_000_000_000, 50_000_000)]
    public void Read_Nanoseconds_PositiveNeverRoundsToZero(long nanoseconds, long ticks)
    {
        var manifest = JsonSerializer.Deserialize($$"""{"startup_script_timeout":{{nanoseconds}}}""", AgentJsonContext.Default.Manifest)!;

        Assert.Equal(TimeSpan.FromTicks(ticks), manifest.StartupScriptTimeout);
    }

    [Fact]
    public void Write_LifecycleReport_UsesCoderNames()
    {
        var report = new LifecycleReport(LifecycleState.StartTimeout, new DateTimeOffset(2023, 6, 6, 0, 0, 0, TimeSpan.Zero));

        var json = JsonSerializer.Serialize(report, AgentJsonContext.Default.LifecycleReport);

        Assert.Equal("""{"state":"start_timeout","changed_at":"2023-06-06T00:00:00+00:00"}""", json);
    }

    [Fact]
    public void Write_AppHealth_UsesGoFieldName()
    {
        var id = Guid.Parse("4a3e0f5e-0000-4000-8000-000000000001");
        var json = JsonSerializer.Serialize(
            new AppHealthRequest(new Dictionary<Guid, AppHealth> { [id] = AppHealth.Healthy }),
            AgentJsonContext.Default.AppHealthRequest);

        Assert.Equal("""{"Healths":{"4a3e0f5e-0000-4000-8000-000000000001":"healthy"}}""", json);
    }
}
