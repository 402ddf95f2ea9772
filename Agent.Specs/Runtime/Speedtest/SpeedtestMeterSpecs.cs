using Agent.Runtime.Speedtest;
using Microsoft.Reactive.Testing;

namespace Agent.Specs.Runtime.Speedtest;

public sealed class SpeedtestMeterSpecs
{
    private readonly TestScheduler _scheduler = new();

    [Fact]
    public void Record_IntervalsCloseAtTheFirstCountAfterASecond()
    {
        var meter = new SpeedtestMeter(_scheduler);

        Assert.Null(At(600, () => meter.Record(100)));
        var first = At(1_100, () => meter.Record(200));
        Assert.Null(At(1_900, () => meter.Record(300)));
        Assert.Null(At(2_050, () => meter.Record(400)));
        var second = At(2_100, () => meter.Record(500));

        Assert.Equal(new SpeedtestInterval(TimeSpan.Zero, Ms(1_100), 300), first);
        Assert.Equal(new SpeedtestInterval(Ms(1_100), Ms(2_100), 1_200), second);
        Assert.Equal(0.0096, second!.MegabitsPerSecond, 9);
    }

    [Fact]
    public void Finish_TailLongerThanTenMilliseconds_IsKeptAndTheTotalEndsAtTheLastCount()
    {
        var meter = new SpeedtestMeter(_scheduler);
        At(1_000, () => meter.Record(1_000));
        At(1_500, () => meter.Record(250));
        _scheduler.AdvanceTo(Ms(4_000).Ticks);

        var result = meter.Finish(SpeedtestDirection.Download);

        Assert.Equal(
            [new SpeedtestInterval(TimeSpan.Zero, Ms(1_000), 1_000), new SpeedtestInterval(Ms(1_000), Ms(1_500), 250)],
            result.Intervals);
        Assert.Equal(new SpeedtestInterval(TimeSpan.Zero, Ms(1_500), 1_250), result.Total);
        Assert.Equal(SpeedtestDirection.Download, result.Direction);
    }

    [Fact]
    public void Finish_TailOfTenMillisecondsOrLess_IsDroppedButCountsInTheTotal()
    {
        var meter = new SpeedtestMeter(_scheduler);
        At(1_000, () => meter.Record(1_000));
        At(1_010, () => meter.Record(7));

        var result = meter.Finish(SpeedtestDirection.Upload);

        Assert.Single(result.Intervals);
        Assert.Equal(1_007, result.Total.Bytes);
        Assert.Equal(Ms(1_010), result.Total.End);
    }

    [Fact]
    public void Finish_NothingCounted_IsAnEmptyTotalAtZeroMbits()
    {
        var meter = new SpeedtestMeter(_scheduler);
        _scheduler.AdvanceBy(Ms(3_000).Ticks);

        var result = meter.Finish(SpeedtestDirection.Download);

        Assert.Empty(result.Intervals);
        Assert.Equal(new SpeedtestInterval(TimeSpan.Zero, TimeSpan.Zero, 0), result.Total);
        Assert.Equal(0, result.Total.MegabitsPerSecond);
    }

    private static TimeSpan Ms(int milliseconds) => TimeSpan.FromMilliseconds(milliseconds);

    private SpeedtestInterval? At(int milliseconds, Func<SpeedtestInterval?> record)
    {
        _scheduler.AdvanceTo(Ms(milliseconds).Ticks);
        return record();
    }
}
