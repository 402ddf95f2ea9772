using Agent.Runtime.Speedtest;
using Agent.Specs.Fakes.Speedtest;
using Microsoft.Reactive.Testing;

namespace Agent.Specs.Runtime.Speedtest;

/// <summary>The client against a scripted peer in virtual time: 1 000 000 bytes per second is 8 Mbit/s.</summary>
public sealed class SpeedtestClientSpecs
{
    private const long BytesPerSecond = 1_000_000;
    private readonly TestScheduler _scheduler = new();
    private readonly ProgressRecorder _progress = new();

    [Fact]
    public async Task Download_ThreeAndAHalfSecondsOfData_BucketsPerSecondWithTheTailAndTotal()
    {
        var link = new VirtualLinkStream(_scheduler, BytesPerSecond) { IncomingDataBytes = 3_500_000, ReadChunk = 250_000 };

        var result = await SpeedtestClient.RunAsync(link, SpeedtestDirection.Download, TimeSpan.FromSeconds(3), _scheduler, _progress, CancellationToken.None);

        Assert.Equal("""{"version":2,"time":3000000000,"direction":0}""", link.FirstLineWritten);
        Assert.Equal(
            [
                new SpeedtestInterval(S(0), S(1), 1_000_000),
                new SpeedtestInterval(S(1), S(2), 1_000_000),
                new SpeedtestInterval(S(2), S(3), 1_000_000),
                new SpeedtestInterval(S(3), S(3.5), 500_000),
            ],
            result.Intervals);
        Assert.Equal(new SpeedtestInterval(S(0), S(3.5), 3_500_000), result.Total);
        Assert.All(result.Intervals, interval => Assert.Equal(8.0, interval.MegabitsPerSecond, 9));
        Assert.Equal(result.Intervals, _progress.Intervals);
        Assert.True(_progress.Completed);
        Assert.True(link.Disposed);
    }

    [Fact]
    public async Task Upload_TwoSeconds_WritesSlicesUntilPastTheDurationThenCloses()
    {
        var link = new VirtualLinkStream(_scheduler, BytesPerSecond);

        var result = await SpeedtestClient.RunAsync(link, SpeedtestDirection.Upload, TimeSpan.FromSeconds(2), _scheduler, _progress, CancellationToken.None);

        // Each 256 KiB slice takes 0.262144 s: the 8th ends at 2.097 s, past the duration, and is the last.
        const int Slice = SpeedtestProtocol.WriteSlice;
        Assert.Equal("""{"version":2,"time":2000000000,"direction":1}""", link.FirstLineWritten);
        Assert.Equal(8L * Slice, link.DataBytesWritten);
        Assert.Equal(
            [
                new SpeedtestInterval(S(0), Ticks(4 * Slice), 4 * Slice),
                new SpeedtestInterval(Ticks(4 * Slice), Ticks(8 * Slice), 4 * Slice),
            ],
            result.Intervals);
        Assert.Equal(8L * Slice, result.Total.Bytes);
        Assert.Equal(SpeedtestDirection.Upload, result.Direction);
        Assert.True(_progress.Completed);
        Assert.True(link.Disposed);
    }

    [Fact]
    public async Task Run_AgentAnswersWithAnError_ThrowsItsReason()
    {
        var link = new VirtualLinkStream(_scheduler, BytesPerSecond) { Handshake = "{\"error\":\"version mismatch!\"}\n" };

        var failure = await Assert.ThrowsAsync<SpeedtestException>(
            () => SpeedtestClient.RunAsync(link, SpeedtestDirection.Download, TimeSpan.FromSeconds(5), _scheduler, _progress, CancellationToken.None));

        Assert.Equal("the agent refused the speed test: version mismatch!", failure.Message);
        Assert.Same(failure, _progress.Error);
        Assert.True(link.Disposed);
    }

    [Fact]
    public async Task Run_AgentAnswersNonsense_ThrowsSpeedtestException()
    {
        var link = new VirtualLinkStream(_scheduler, BytesPerSecond) { Handshake = "SSH-2.0-OpenSSH_9.6\r\n" };

        var failure = await Assert.ThrowsAsync<SpeedtestException>(
            () => SpeedtestClient.RunAsync(link, SpeedtestDirection.Download, TimeSpan.FromSeconds(5), _scheduler, _progress, CancellationToken.None));

        Assert.StartsWith("the config response is not valid JSON", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Download_DataStops_TimesOutAtDurationPlusFiveSeconds()
    {
        var link = new VirtualLinkStream(_scheduler, BytesPerSecond) { StallAfterHandshake = true };
        var run = SpeedtestClient.RunAsync(link, SpeedtestDirection.Download, TimeSpan.FromSeconds(2), _scheduler, _progress, CancellationToken.None);

        _scheduler.AdvanceBy(TimeSpan.FromSeconds(6.9).Ticks);
        Assert.False(run.IsCompleted);
        _scheduler.AdvanceBy(TimeSpan.FromSeconds(0.2).Ticks);

        var failure = await Assert.ThrowsAsync<TimeoutException>(() => run.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal("the speed test did not finish within 7 s", failure.Message);
        Assert.IsType<TimeoutException>(_progress.Error);
        Assert.True(link.Disposed);
    }

    [Fact]
    public async Task Download_Cancelled_ThrowsCancellationNotTimeout()
    {
        var link = new VirtualLinkStream(_scheduler, BytesPerSecond) { StallAfterHandshake = true };
        using var cancellation = new CancellationTokenSource();
        var run = SpeedtestClient.RunAsync(link, SpeedtestDirection.Download, TimeSpan.FromSeconds(2), _scheduler, _progress, cancellation.Token);

        _scheduler.AdvanceBy(TimeSpan.FromSeconds(1).Ticks);
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.IsAssignableFrom<OperationCanceledException>(_progress.Error);
        Assert.True(link.Disposed);
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(31)]
    public async Task Run_DurationOutOfRange_ThrowsBeforeWriting(double seconds)
    {
        var link = new VirtualLinkStream(_scheduler, BytesPerSecond);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(
            () => SpeedtestClient.RunAsync(link, SpeedtestDirection.Download, TimeSpan.FromSeconds(seconds), _scheduler, null, CancellationToken.None));

        Assert.Equal(0, link.WriteCalls);
    }

    private static TimeSpan S(double seconds) => TimeSpan.FromSeconds(seconds);

    private static TimeSpan Ticks(long bytes) => TimeSpan.FromTicks(bytes * TimeSpan.TicksPerSecond / BytesPerSecond);

    private sealed class ProgressRecorder : IObserver<SpeedtestInterval>
    {
        public List<SpeedtestInterval> Intervals { get; } = [];

        public bool Completed { get; private set; }

        public Exception? Error { get; private set; }

        public void OnNext(SpeedtestInterval value) => Intervals.Add(value);

        public void OnCompleted() => Completed = true;

        public void OnError(Exception error) => Error = error;
    }
}
