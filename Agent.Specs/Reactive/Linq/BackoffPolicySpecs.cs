using Agent.Reactive;
using Agent.Reactive.Linq;

namespace Agent.Specs.Reactive.Linq;

public sealed class BackoffPolicySpecs
{
    private static readonly BackoffPolicy Plain = new(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(10));

    [Theory]
    [InlineData(0, 100)]
    [InlineData(1, 200)]
    [InlineData(2, 400)]
    [InlineData(6, 6_400)]
    [InlineData(7, 10_000)]
    [InlineData(40, 10_000)]
    [InlineData(int.MaxValue, 10_000)]
    public void DelayFor_NoJitter_DoublesFromInitialUpToMaximum(int attempt, int expectedMilliseconds)
        => Assert.Equal(TimeSpan.FromMilliseconds(expectedMilliseconds), Plain.DelayFor(attempt, 0.5));

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.25)]
    [InlineData(0.5)]
    [InlineData(0.999999)]
    public void DelayFor_Jitter_StaysWithinTheFractionEitherWayAndUnderMaximum(double random)
    {
        var policy = Plain with { Jitter = 0.2 };
        for (var attempt = 0; attempt < 12; attempt++)
        {
            var nominal = Plain.DelayFor(attempt, 0.5);
            var delay = policy.DelayFor(attempt, random);
            Assert.InRange(delay, nominal * 0.8, TimeSpan.FromTicks(Math.Min((long)(nominal.Ticks * 1.2), policy.Maximum.Ticks)));
        }
    }

    [Fact]
    public void DelayFor_JitterExtremes_ReachTheBounds()
    {
        var policy = Plain with { Jitter = 0.2 };
        Assert.Equal(TimeSpan.FromMilliseconds(80), policy.DelayFor(0, 0));
        Assert.Equal(TimeSpan.FromMilliseconds(100), policy.DelayFor(0, 0.5));
        Assert.InRange(policy.DelayFor(0, 0.999999), TimeSpan.FromMilliseconds(119.99), TimeSpan.FromMilliseconds(120));
        Assert.Equal(TimeSpan.FromSeconds(10), policy.DelayFor(20, 0.999999));
    }

    [Fact]
    public void Reconnect_Is100msTo10sWithJitterAndAMinuteReset()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(100), BackoffPolicy.Reconnect.Initial);
        Assert.Equal(TimeSpan.FromSeconds(10), BackoffPolicy.Reconnect.Maximum);
        Assert.Equal(0.2, BackoffPolicy.Reconnect.Jitter);
        Assert.Equal(TimeSpan.FromMinutes(1), BackoffPolicy.Reconnect.ResetAfter);
    }
}
