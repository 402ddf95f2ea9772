using System.Reactive.Concurrency;
using Agent.Reactive.Protocol;
using Agent.Reactive.Resources;
using Agent.Specs.Fakes.Resources;
using Agent.Specs.Utilities;

namespace Agent.Specs.Reactive.Resources;

/// <summary>Sampling on the interval and the hysteresis of <c>warning</c>/<c>ok</c>, in virtual time.</summary>
public sealed class ResourceMonitorSpecs
{
    private readonly HistoricalScheduler _scheduler = new();
    private readonly ScriptedSampler _sampler = new();
    private readonly RecordingLogger _logger = new();
    private readonly List<ResourcesSample> _samples = [];

    private static ResourcesMonitoring Memory(int threshold = 80, int interval = 10) => new()
    {
        Memory = new MemoryMonitoring { Enabled = true, Threshold = threshold },
        CollectionIntervalSeconds = interval,
    };

    [Fact]
    public void Run_SamplesAtOnceThenEveryInterval()
    {
        using var run = ResourceMonitor.Run(Memory(interval: 10), _sampler, _scheduler, _logger).Subscribe(_samples.Add);

        _scheduler.AdvanceTo(new DateTimeOffset(TimeSpan.FromSeconds(35).Ticks, TimeSpan.Zero));

        Assert.Equal([0, 10, 20, 30], _samples.Select(s => (int)TimeSpan.FromTicks(s.At.UtcTicks).TotalSeconds));
        Assert.All(_samples, s => Assert.Equal(10.0, Assert.Single(s.Resources).Percent));
    }

    [Fact]
    public void Run_ThreeSamplesAtTheThreshold_WarnsWithTheThird()
    {
        _sampler.MemoryPercent = 80;

        var states = Sample(Memory(), 4);

        Assert.Equal([ResourceState.Ok, ResourceState.Ok, ResourceState.Warning, ResourceState.Warning], states);
        Assert.Equal([false, false, true, false], _samples.Select(s => s.Changed));
        Assert.Equal(Seconds(20), _samples[^1].Resources[0].ChangedAt);
        Assert.Contains("Resource memory is now Warning: 80% used (threshold 80%)", _logger.Warnings);
    }

    [Fact]
    public void Run_ValueHoveringAroundTheThreshold_DoesNotFlap()
    {
        var values = new Queue<double>([81, 79, 81, 79, 82, 80, 79, 81, 80, 78, 81, 79]);

        var states = Sample(Memory(), values.Count, () => _sampler.MemoryPercent = values.Dequeue());

        Assert.All(states, state => Assert.Equal(ResourceState.Ok, state));
        Assert.DoesNotContain(_samples, s => s.Changed);
    }

    [Fact]
    public void Run_WarningThenHoveringBetweenLowMarkAndThreshold_StaysWarning()
    {
        var values = new Queue<double>([90, 90, 90, 76, 79, 74, 76, 74, 74, 76, 80]);

        var states = Sample(Memory(), values.Count, () => _sampler.MemoryPercent = values.Dequeue());

        Assert.All(states.Skip(2), state => Assert.Equal(ResourceState.Warning, state));
        Assert.Single(_samples, s => s.Changed);
    }

    [Fact]
    public void Run_ThreeSamplesBelowTheLowMark_ClearsWithTheThird()
    {
        var values = new Queue<double>([90, 90, 90, 74, 74, 74, 74]);

        var states = Sample(Memory(), values.Count, () => _sampler.MemoryPercent = values.Dequeue());

        Assert.Equal(
            [ResourceState.Ok, ResourceState.Ok, ResourceState.Warning, ResourceState.Warning, ResourceState.Warning, ResourceState.Ok, ResourceState.Ok],
            states);
        Assert.Equal(Seconds(50), _samples[^1].Resources[0].ChangedAt);
    }

    [Fact]
    public void Run_VolumesAndMemory_EachHasItsOwnState()
    {
        var config = Memory() with
        {
            Volumes =
            [
                new VolumeMonitoring { Path = "/home", Enabled = true, Threshold = 50 },
                new VolumeMonitoring { Path = "/off", Enabled = false, Threshold = 1 },
            ],
        };
        _sampler.VolumePercent["/home"] = 60;

        Sample(config, 3);

        var last = _samples[^1].Resources;
        Assert.Equal(["memory", "/home"], last.Select(r => r.Resource));
        Assert.Equal([ResourceState.Ok, ResourceState.Warning], last.Select(r => r.State));
        Assert.Equal([ResourceStatus.MemoryKind, ResourceStatus.VolumeKind], last.Select(r => r.Kind));
    }

    [Fact]
    public void Run_UnreadableResource_KeepsItsLastStatusAndLogsOnce()
    {
        var values = new Queue<double?>([50, null, null, 60]);

        Sample(Memory(), values.Count, () => _sampler.MemoryPercent = values.Dequeue());

        Assert.Equal([50.0, 50.0, 50.0, 60.0], _samples.Select(s => s.Resources[0].Percent));
        Assert.Single(_logger.Warnings, w => w.StartsWith("Cannot read the usage of memory", StringComparison.Ordinal));
    }

    [Fact]
    public void Run_NothingEnabled_SamplesNothing()
    {
        using var run = ResourceMonitor.Run(new ResourcesMonitoring { Memory = new MemoryMonitoring { Enabled = false } }, _sampler, _scheduler, _logger)
            .Subscribe(_samples.Add);

        _scheduler.AdvanceBy(TimeSpan.FromMinutes(5));

        Assert.Empty(_samples);
        Assert.Equal(0, _sampler.Reads);
    }

    private static DateTimeOffset Seconds(int seconds) => new(TimeSpan.FromSeconds(seconds).Ticks, TimeSpan.Zero);

    // Takes `count` samples 10 s apart; `before` sets the next value before each one is taken.
    private List<ResourceState> Sample(ResourcesMonitoring config, int count, Action? before = null)
    {
        before?.Invoke();
        using var run = ResourceMonitor.Run(config, _sampler, _scheduler, _logger).Subscribe(sample =>
        {
            _samples.Add(sample);
            if (_samples.Count < count)
                before?.Invoke();
        });
        _scheduler.AdvanceBy(TimeSpan.FromSeconds(10 * (count - 1)));
        Assert.Equal(count, _samples.Count);
        return _samples.Select(s => s.Resources[0].State).ToList();
    }
}
