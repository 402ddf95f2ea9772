using System.Net;
using System.Reactive.Concurrency;
using System.Reactive.Subjects;
using Agent.Reactive.Effects;
using Agent.Reactive.Monitoring;
using Agent.Reactive.Protocol;
using Agent.Reactive.Resources;
using Agent.Specs.Fakes.Resources;
using Agent.Specs.Utilities;

namespace Agent.Specs.Reactive.Resources;

/// <summary>What reaches <c>POST me/resources-monitoring</c> and the event stream, per connection, in virtual time.</summary>
public sealed class ResourcesReportingSpecs
{
    private readonly HistoricalScheduler _scheduler = new();
    private readonly ScriptedSampler _sampler = new();
    private readonly RecordingLogger _logger = new();
    private readonly Subject<Manifest> _manifests = new();
    private readonly List<ResourcesChanged> _events = [];
    private readonly ResourcesControlPlane _client;

    public ResourcesReportingSpecs() => _client = new ResourcesControlPlane(_scheduler);

    private static Manifest Watching(int datapoints = 6) => new()
    {
        ResourcesMonitoring = new ResourcesMonitoring
        {
            Memory = new MemoryMonitoring { Enabled = true, Threshold = 80 },
            CollectionIntervalSeconds = 10,
            NumDatapoints = datapoints,
        },
    };

    [Fact]
    public void Run_NothingChanges_ReportsTheFirstSampleThenEveryNumDatapoints()
    {
        using var run = Start(Watching(datapoints: 6));

        AdvanceTo(125);

        Assert.Equal([0, 60, 120], _client.Posts.Select(p => (int)p.At.TotalSeconds));
        Assert.Single(_events);
    }

    [Fact]
    public void Run_StateChanges_ReportedAtOnceAndPublished()
    {
        using var run = Start(Watching(datapoints: 6));
        AdvanceTo(5);
        _sampler.MemoryPercent = 95;

        AdvanceTo(35);

        Assert.Equal([0, 30], _client.Posts.Select(p => (int)p.At.TotalSeconds));
        var warning = Assert.Single(_client.Posts[^1].Report.Resources);
        Assert.Equal(ResourceState.Warning, warning.State);
        Assert.Equal(95.0, warning.Percent);
        Assert.Equal([ResourceState.Ok, ResourceState.Warning], _events.Select(e => e.Resources[0].State));
    }

    [Fact]
    public void Run_OlderControlPlaneAnswers404_StopsReportingForThisConnection_EventsGoOnLoggedOnce()
    {
        _client.OnPost = _ => Task.FromException(new ControlPlaneException(HttpStatusCode.NotFound, "not found"));
        using var run = Start(Watching(datapoints: 1));
        _sampler.MemoryPercent = 95;

        AdvanceTo(65);

        Assert.Single(_client.Posts);
        Assert.Equal([ResourceState.Ok, ResourceState.Warning], _events.Select(e => e.Resources[0].State));
        Assert.Single(_logger.Entries, e => e.Message.Contains("does not take resource reports (404)", StringComparison.Ordinal));
    }

    [Fact]
    public void Run_NewConnectionAfter404_AsksAgain()
    {
        _client.OnPost = _ => Task.FromException(new ControlPlaneException(HttpStatusCode.NotFound, "not found"));
        using var run = Start(Watching(datapoints: 1));
        AdvanceTo(25);
        _client.OnPost = _ => Task.CompletedTask;

        _manifests.OnNext(Watching(datapoints: 1));
        AdvanceTo(45);

        Assert.Equal([0, 25, 35, 45], _client.Posts.Select(p => (int)p.At.TotalSeconds));
    }

    [Fact]
    public void Run_FailedPost_NextReportCarriesTheCurrentState()
    {
        _client.OnPost = _ => Task.FromException(new ControlPlaneException(HttpStatusCode.BadGateway, "down"));
        using var run = Start(Watching(datapoints: 1));

        AdvanceTo(25);

        Assert.Equal(3, _client.Posts.Count);
        Assert.Equal(3, _logger.Warnings.Count(w => w.StartsWith("Reporting resource usage failed (down)", StringComparison.Ordinal)));
    }

    [Fact]
    public void Run_ManifestWithoutResourcesMonitoring_ReadsAndReportsNothing()
    {
        using var run = Start(new Manifest());

        AdvanceTo(600);

        Assert.Empty(_client.Posts);
        Assert.Empty(_events);
        Assert.Equal(0, _sampler.Reads);
    }

    private IDisposable Start(Manifest manifest)
    {
        var run = ResourcesReporting.Run(_manifests, _sampler, _client, _scheduler, _logger).Subscribe(_events.Add);
        _manifests.OnNext(manifest);
        _scheduler.AdvanceBy(TimeSpan.Zero);
        return run;
    }

    private void AdvanceTo(int seconds) => _scheduler.AdvanceTo(new DateTimeOffset(TimeSpan.FromSeconds(seconds).Ticks, TimeSpan.Zero));
}
