using Agent.Runtime.Net;
using Agent.Specs.Fakes.SshTransport;

namespace Agent.Specs.Runtime.Net;

public sealed class LogThrottleSpecs
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    [Fact]
    public void TryEnter_FloodWithinTheInterval_OneLineThenTheCountHeldBack()
    {
        var time = new ManualTimeProvider();
        var throttle = new LogThrottle(Interval, time);

        Assert.True(throttle.TryEnter(out var first));
        var held = Enumerable.Range(0, 50).Count(_ => !throttle.TryEnter(out _));
        time.Advance(Interval);
        Assert.True(throttle.TryEnter(out var next));

        Assert.Equal(0, first);
        Assert.Equal(50, held);
        Assert.Equal(50, next);
    }

    [Fact]
    public void TryEnter_AfterTheInterval_LogsAgainWithNothingHeldBack()
    {
        var time = new ManualTimeProvider();
        var throttle = new LogThrottle(Interval, time);
        throttle.TryEnter(out _);

        time.Advance(Interval - TimeSpan.FromTicks(1));
        Assert.False(throttle.TryEnter(out _));
        time.Advance(TimeSpan.FromTicks(1));
        Assert.True(throttle.TryEnter(out var suppressed));
        time.Advance(Interval);
        Assert.True(throttle.TryEnter(out var none));

        Assert.Equal(1, suppressed);
        Assert.Equal(0, none);
    }
}
